using Rucio.DataLake.Core.Credentials;

namespace Rucio.DataLake.Core.Configuration;

/// <summary>Verbosity requested by <c>log_level</c> (or the backend's <c>--log-level</c>).</summary>
internal enum ConfiguredLogLevel
{
    Debug,
    Info,
    Warning,
    Error,
    Critical,
}

/// <summary>
/// The global part of the configuration (<c>default_instance</c>, <c>default_auth_type</c>, <c>log_level</c>) with the
/// locally declared instances still unresolved: instances with a <c>$url</c> only become usable once fetched.
/// </summary>
internal sealed record RucioConfig
{
    public IReadOnlyList<RawInstance> Instances { get; init; } = [];

    /// <summary><c>default_instance</c>: pre-selected until the user picks one.</summary>
    public string? DefaultInstance { get; init; }

    /// <summary><c>default_auth_type</c>: used for an instance until the user picks a method for it.</summary>
    public AuthType? DefaultAuthType { get; init; }

    /// <summary><c>log_level</c>; default <c>warning</c> like the existing extension.</summary>
    public ConfiguredLogLevel LogLevel { get; init; } = ConfiguredLogLevel.Warning;

    /// <summary>Problems found while reading and merging the sources and validating the global keys.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; init; } = [];
}
