using Rucio.DataLake.Core.Configuration;

namespace Rucio.JupyterLab.Server.Hosting;

/// <summary>
/// Parses the backend's flags. Hand-written: the set is tiny, and unknown arguments must fail loudly instead of
/// being taken as ASP.NET configuration.
/// </summary>
internal static class BackendOptionsParser
{
    public const string DataDirectoryVariable = "RUCIO_JUPYTERLAB_DATA_DIR";

    public const string DownloadDirectoryVariable = "RUCIO_JUPYTERLAB_DOWNLOAD_DIR";

    public const string Usage =
        "usage: Rucio.JupyterLab.Server (--socket PATH | --urls URL) [--config FILE] [--data-dir DIR] [--root-dir DIR] " +
        "[--log-level debug|info|warning|error] [--download-dir DIR] [--download-parallelism N]";

    private static readonly HashSet<string> KnownFlags =
        ["--socket", "--urls", "--config", "--data-dir", "--root-dir", "--log-level", "--download-dir", "--download-parallelism"];

    /// <param name="args">The command line.</param>
    /// <param name="environment">Reads an environment variable (the process environment in production).</param>
    public static BackendOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            string value;
            var equals = flag.IndexOf('=', StringComparison.Ordinal);
            if (flag.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = flag[(equals + 1)..];
                flag = flag[..equals];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new BackendOptionsException($"missing value for {flag}. {Usage}");
            }

            if (!KnownFlags.Contains(flag))
            {
                throw new BackendOptionsException($"unknown option '{flag}'. {Usage}");
            }

            if (!values.TryAdd(flag, value))
            {
                throw new BackendOptionsException($"option {flag} given twice. {Usage}");
            }
        }

        var socket = NonEmpty(values, "--socket");
        var urls = NonEmpty(values, "--urls")?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if ((socket is null) == (urls.Length == 0))
        {
            throw new BackendOptionsException($"give exactly one of --socket and --urls. {Usage}");
        }

        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new BackendOptionsException($"--urls: '{url}' is not an http(s) URL.");
            }
        }

        ConfiguredLogLevel? logLevel = null;
        if (NonEmpty(values, "--log-level") is { } levelText)
        {
            if (!RucioConfigBuilder.TryParseLogLevel(levelText, out var level))
            {
                throw new BackendOptionsException($"--log-level: '{levelText}' is not one of debug, info, warning, error.");
            }

            logLevel = level;
        }

        var rootDirectory = NonEmpty(values, "--root-dir");
        if (rootDirectory is not null && !Directory.Exists(rootDirectory))
        {
            throw new BackendOptionsException($"--root-dir: '{rootDirectory}' is not a directory.");
        }

        var parallelism = 2;
        if (NonEmpty(values, "--download-parallelism") is { } parallelismText
            && (!int.TryParse(parallelismText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out parallelism)
                || parallelism is < 1 or > 64))
        {
            throw new BackendOptionsException($"--download-parallelism: '{parallelismText}' is not a whole number from 1 to 64.");
        }

        return new BackendOptions
        {
            SocketPath = socket is null ? null : Path.GetFullPath(socket),
            Urls = urls,
            ConfigPath = NonEmpty(values, "--config") is { } config ? Path.GetFullPath(config) : null,
            DataDirectory = Path.GetFullPath(NonEmpty(values, "--data-dir") ?? DefaultDataDirectory(environment)),
            RootDirectory = rootDirectory is null ? null : Path.GetFullPath(rootDirectory),
            LogLevel = logLevel,
            DownloadDirectory = Path.GetFullPath(NonEmpty(values, "--download-dir") ?? DefaultDownloadDirectory(environment)),
            DownloadParallelism = parallelism,
        };
    }

    private static string DefaultDataDirectory(Func<string, string?> environment)
    {
        if (environment(DataDirectoryVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".rucio_jupyterlab");
    }

    private static string DefaultDownloadDirectory(Func<string, string?> environment)
    {
        if (environment(DownloadDirectoryVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, "rucio");
    }

    private static string? NonEmpty(Dictionary<string, string> values, string flag) =>
        values.TryGetValue(flag, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
