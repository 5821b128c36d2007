using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.JupyterLab.Server.Features.Status;

namespace Rucio.JupyterLab.Server.Hosting;

/// <summary>
/// What a test replaces when it builds the backend in-process. Production passes none: the process environment,
/// the system clock, stdout and the default timeouts are used.
/// </summary>
internal sealed record BackendOverrides
{
    /// <summary>Replaces the process environment for configuration (<c>RUCIO_*</c>, <c>HOME</c>, data dir).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    public TimeProvider? Time { get; init; }

    public RemoteConfigOptions? RemoteConfig { get; init; }

    public RucioClientFactoryOptions? ClientFactory { get; init; }

    /// <summary>Where the "ready" line goes; stdout by default.</summary>
    public TextWriter? ReadyOutput { get; init; }

    /// <summary>Status freshness and memory budget; the defaults suit the panel's 10 s polling.</summary>
    public StatusCacheOptions? StatusCache { get; init; }

    /// <summary>
    /// The bridge's pipe: with <c>--socket</c>, the backend stops when it reaches end of file (Jupyter died without
    /// stopping it). Defaults to the process's standard input.
    /// </summary>
    public Stream? StandardInput { get; init; }

    /// <summary>Extra logging setup (tests capture logs to check that secrets never appear).</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    public string? GetEnvironmentVariable(string name) =>
        Environment is null ? System.Environment.GetEnvironmentVariable(name) : Environment.GetValueOrDefault(name);
}
