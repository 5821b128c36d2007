using System.CommandLine;
using Rucio.Client;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.DataLake.Cli;

/// <summary>
/// What a command needs to talk to Rucio: the chosen instance (from the same configuration the JupyterLab extension
/// reads) and a client authenticated the way the standard Rucio CLI is, through environment variables.
/// </summary>
internal sealed class CliSession : IDisposable
{
    private CliSession(InstanceConfig instance, RucioClient client, AuthType authType, StoredCredentials? credentials)
    {
        Instance = instance;
        Client = client;
        AuthType = authType;
        Credentials = credentials;
    }

    public InstanceConfig Instance { get; }

    public RucioClient Client { get; }

    /// <summary>The method and credentials the client was built from (for rucio.cfg and storage access); never printed.</summary>
    public AuthType AuthType { get; }

    public StoredCredentials? Credentials { get; }

    public static async Task<CliSession> OpenAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var file = await ReadConfigFileAsync(parse.GetValue(GlobalOptions.Config), cancellationToken);
        var config = RucioConfigBuilder.Build(file, EnvironmentConfigReader.ReadProcessEnvironment());
        var registry = new InstanceRegistry(config, new RemoteConfigClient(new RemoteConfigOptions()), TimeProvider.System);
        var snapshot = await registry.GetSnapshotAsync(cancellationToken);
        var instance = ChooseInstance(snapshot, config.DefaultInstance, parse.GetValue(GlobalOptions.Instance));

        var (authType, credentials) = await CliCredentials.ResolveAsync(instance, config.DefaultAuthType, parse.GetValue(GlobalOptions.AuthType), cancellationToken);
        var factory = new RucioClientFactory(new RucioClientFactoryOptions { UserAgent = "datalake-cli/1.0" }, TimeProvider.System);
        var client = factory.CreateUncached(instance, authType, credentials);
        return new CliSession(instance, client, authType, credentials);
    }

    /// <summary>
    /// Storage access with the session's identity (a VOMS proxy kept under the state directory when the instance has
    /// voms_enabled). <c>DATALAKE_MAX_BYTES_PER_SECOND</c> caps the transfer rate (to be gentle with shared storage;
    /// also how tests slow an upload down enough to interrupt it).
    /// </summary>
    public async Task<StorageProtocols> OpenStorageAsync(CancellationToken cancellationToken)
    {
        var limit = long.TryParse(CliPaths.Variable("DATALAKE_MAX_BYTES_PER_SECOND"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rate) ? rate : 0;
        var voms = new VomsProxyProvider(Path.Combine(CliPaths.StateDirectory, "proxies"), TimeProvider.System);
        var access = await StorageAccess.CreateAsync(Instance, AuthType, Credentials, Client, voms, cancellationToken, limit);
        return new StorageProtocols(access, TimeProvider.System);
    }

    public void Dispose() => Client.Dispose();

    private static async Task<ConfigSource> ReadConfigFileAsync(FileInfo? explicitFile, CancellationToken cancellationToken)
    {
        if (explicitFile is not null)
        {
            return explicitFile.Exists
                ? await ConfigDocumentReader.ReadFileAsync(explicitFile.FullName, cancellationToken)
                : throw new CliException(ExitCodes.ConfigurationError, $"The configuration file '{explicitFile.FullName}' does not exist.");
        }

        // Jupyter's own search order, most specific first; the first file with a RucioConfig section is used.
        foreach (var path in JupyterConfigCandidates())
        {
            if (File.Exists(path))
            {
                var source = await ConfigDocumentReader.ReadFileAsync(path, cancellationToken);
                if (source.Instances.Count > 0 || source.Problems.Count > 0)
                {
                    return source;
                }
            }
        }

        return ConfigSource.Empty;
    }

    private static IEnumerable<string> JupyterConfigCandidates()
    {
        var userDir = Environment.GetEnvironmentVariable("JUPYTER_CONFIG_DIR")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".jupyter");
        yield return Path.Combine(userDir, "jupyter_server_config.json");
        yield return "/usr/local/etc/jupyter/jupyter_server_config.json";
        yield return "/etc/jupyter/jupyter_server_config.json";
    }

    private static InstanceConfig ChooseInstance(InstanceSnapshot snapshot, string? defaultInstance, string? requested)
    {
        var problems = string.Join(Environment.NewLine, snapshot.Problems.Select(p => "  - " + p.Message));
        if (requested is not null)
        {
            return snapshot.Find(requested) ?? throw new CliException(ExitCodes.ConfigurationError,
                $"There is no usable instance named '{requested}'. Known: {Names(snapshot)}.{Suffix(problems)}");
        }

        if (defaultInstance is not null && snapshot.Find(defaultInstance) is { } preferred)
        {
            return preferred;
        }

        return snapshot.Instances.Count switch
        {
            1 => snapshot.Instances[0],
            0 => throw new CliException(ExitCodes.ConfigurationError,
                "No Rucio instance is configured. Pass --config FILE (a RucioConfig JSON), or set RUCIO_BASE_URL and friends, "
                + "or add a RucioConfig section to ~/.jupyter/jupyter_server_config.json." + Suffix(problems)),
            _ => throw new CliException(ExitCodes.ConfigurationError,
                $"Several instances are configured ({Names(snapshot)}); choose one with --instance NAME."),
        };
    }

    private static string Names(InstanceSnapshot snapshot) =>
        snapshot.Instances.Count == 0 ? "none" : string.Join(", ", snapshot.Instances.Select(i => i.Name));

    private static string Suffix(string problems) =>
        problems.Length == 0 ? string.Empty : Environment.NewLine + "Configuration problems:" + Environment.NewLine + problems;
}

/// <summary>A failure the user can act on, with the exit code that names it.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>A failure whose details were already printed with the command's result; only the exit code is left to set.</summary>
internal sealed class CliReportedException(int exitCode, string summary = "some files failed (see above)") : Exception(summary)
{
    public int ExitCode { get; } = exitCode;
}
