using System.Globalization;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>
/// Parses the Sandbox flags. Hand-written rather than System.CommandLine because the flag set is tiny and the
/// remaining arguments must not be forwarded to the ASP.NET configuration (which would accept typos silently).
/// </summary>
internal static class SandboxOptionsParser
{
    private const string Usage =
        "usage: Rucio.Sandbox --urls URL --data-dir DIR [--seed demo] [--seed-large N] [--token-lifetime SECONDS] " +
        "[--transfer-delay SECONDS] [--transfer-bandwidth BYTES_PER_S] [--transfer-fail GLOB] " +
        "[--tls-cert PEM --tls-key PEM [--tls-client-ca PEM]]";

    public static SandboxOptions Parse(IReadOnlyList<string> args)
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
            else
            {
                if (i + 1 >= args.Count)
                {
                    throw new SandboxOptionsException($"missing value for {flag}. {Usage}");
                }

                value = args[++i];
            }

            if (!KnownFlags.Contains(flag))
            {
                throw new SandboxOptionsException($"unknown option '{flag}'. {Usage}");
            }

            if (!values.TryAdd(flag, value))
            {
                throw new SandboxOptionsException($"option {flag} given twice. {Usage}");
            }
        }

        return Build(values);
    }

    private static readonly HashSet<string> KnownFlags =
    [
        "--urls", "--data-dir", "--seed", "--seed-large", "--token-lifetime", "--transfer-delay",
        "--transfer-bandwidth", "--transfer-fail", "--tls-cert", "--tls-key", "--tls-client-ca",
    ];

    private static SandboxOptions Build(Dictionary<string, string> values)
    {
        if (!values.TryGetValue("--data-dir", out var dataDir) || string.IsNullOrWhiteSpace(dataDir))
        {
            throw new SandboxOptionsException($"--data-dir is required. {Usage}");
        }

        var urls = values.TryGetValue("--urls", out var urlList)
            ? urlList.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : ["http://127.0.0.1:5080"];
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new SandboxOptionsException($"--urls: '{url}' is not an http(s) URL.");
            }
        }

        var seed = values.GetValueOrDefault("--seed");
        if (seed is not null && seed != "demo")
        {
            throw new SandboxOptionsException($"--seed: only 'demo' is known, not '{seed}'.");
        }

        var options = new SandboxOptions
        {
            Urls = urls,
            DataDirectory = Path.GetFullPath(dataDir),
            SeedDemo = seed is not null,
            SeedLargeCount = ParseInt(values, "--seed-large", 0, 0, 10_000_000),
            TokenLifetime = TimeSpan.FromSeconds(ParseDouble(values, "--token-lifetime", 3600, 1)),
            TransferDelay = TimeSpan.FromSeconds(ParseDouble(values, "--transfer-delay", 0.5, 0)),
            TransferBandwidth = ParseInt(values, "--transfer-bandwidth", 0, 0, long.MaxValue),
            TransferFailGlob = values.GetValueOrDefault("--transfer-fail"),
            TlsCertificatePath = ExistingFile(values, "--tls-cert"),
            TlsKeyPath = ExistingFile(values, "--tls-key"),
            TlsClientCaPath = ExistingFile(values, "--tls-client-ca"),
        };

        if ((options.TlsCertificatePath is null) != (options.TlsKeyPath is null))
        {
            throw new SandboxOptionsException("--tls-cert and --tls-key must be given together.");
        }

        if (options.TlsClientCaPath is not null && !options.TlsEnabled)
        {
            throw new SandboxOptionsException("--tls-client-ca needs --tls-cert and --tls-key.");
        }

        if (options.TlsEnabled && urls.Any(u => !u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            throw new SandboxOptionsException("with --tls-cert every --urls entry must be https://.");
        }

        if (!options.TlsEnabled && urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            throw new SandboxOptionsException("an https:// URL needs --tls-cert and --tls-key.");
        }

        return options;
    }

    private static long ParseInt(Dictionary<string, string> values, string flag, long fallback, long min, long max)
    {
        if (!values.TryGetValue(flag, out var text))
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new SandboxOptionsException($"{flag}: '{text}' is not a whole number between {min} and {max}.");
        }

        return value;
    }

    private static int ParseInt(Dictionary<string, string> values, string flag, int fallback, int min, int max)
        => (int)ParseInt(values, flag, (long)fallback, min, max);

    private static double ParseDouble(Dictionary<string, string> values, string flag, double fallback, double min)
    {
        if (!values.TryGetValue(flag, out var text))
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value < min || value > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            throw new SandboxOptionsException($"{flag}: '{text}' is not a number of seconds >= {min}.");
        }

        return value;
    }

    private static string? ExistingFile(Dictionary<string, string> values, string flag)
    {
        if (!values.TryGetValue(flag, out var path))
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new SandboxOptionsException($"{flag}: file '{path}' does not exist.");
        }

        return Path.GetFullPath(path);
    }
}
