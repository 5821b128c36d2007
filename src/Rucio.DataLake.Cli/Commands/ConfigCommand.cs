using System.CommandLine;
using System.Text;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Spectre.Console;

namespace Rucio.DataLake.Cli.Commands;

/// <summary>
/// <c>datalake config rucio-cfg [--path FILE] [--force]</c>: a rucio.cfg for the standard Rucio CLI from the same instance
/// and credentials, so <c>rucio whoami</c> works in the terminal. The file is created 0600 (it may hold a password);
/// its content is never printed.
/// </summary>
internal static class ConfigCommand
{
    public const string Marker = "# Written by `datalake config rucio-cfg`";

    public static Command Create()
    {
        var path = new Option<string?>("--path") { Description = "Where to write. Default: $RUCIO_CONFIG, else $RUCIO_HOME/etc/rucio.cfg, else ~/.rucio/etc/rucio.cfg." };
        var force = new Option<bool>("--force") { Description = "Overwrite a rucio.cfg that datalake did not write." };
        var rucioCfg = new Command("rucio-cfg", "Write rucio.cfg for the standard rucio CLI from this instance and credentials.") { path, force };
        rucioCfg.SetAction((parse, ct) => CommandRunner.RunAsync(parse, async (session, output, token) =>
        {
            var target = Path.GetFullPath(parse.GetValue(path) ?? DefaultPath());
            if (File.Exists(target) && !parse.GetValue(force) && !(await File.ReadAllTextAsync(target, token)).StartsWith(Marker, StringComparison.Ordinal))
            {
                throw new CliException(ExitCodes.Conflict, $"'{target}' exists and was not written by datalake; pass --force to replace it.");
            }

            // rucio.cfg needs an account; ask Rucio which one these credentials map to when none is configured.
            var account = session.Credentials?.Account ?? (await session.Client.Accounts.WhoAmIAsync(token)).Account
                ?? throw new CliException(ExitCodes.AuthenticationError, "Rucio did not say which account these credentials belong to.");
            var content = Render(session.Instance, session.AuthType, session.Credentials, account);
            await WriteSecretFileAsync(target, content, token);
            WriteResult(output, target, session, account);
        }, ct));

        return new Command("config", "Configuration helpers.") { rucioCfg };
    }

    /// <summary>The rucio.cfg text (INI) for the instance and identity.</summary>
    public static string Render(InstanceConfig instance, AuthType authType, StoredCredentials? credentials, string account)
    {
        var text = new StringBuilder();
        text.AppendLine($"{Marker} for instance '{instance.Name}'; run it again after changing credentials.");
        text.AppendLine("[client]");
        Line(text, "rucio_host", instance.BaseUrl.AbsoluteUri.TrimEnd('/'));
        Line(text, "auth_host", instance.EffectiveAuthUrl.AbsoluteUri.TrimEnd('/'));
        Line(text, "auth_type", authType.ToWireName());
        Line(text, "account", account);
        Line(text, "ca_cert", instance.CaCertPath is { Length: > 0 } ca ? ca : "/etc/ssl/certs/ca-certificates.crt");
        Line(text, "vo", instance.Vo);
        switch (credentials)
        {
            case UserPassCredentials userPass:
                Line(text, "username", userPass.Username);
                Line(text, "password", userPass.Password);
                break;
            case X509CertificateCredentials x509:
                Line(text, "client_cert", x509.CertificatePath);
                Line(text, "client_key", x509.EffectiveKeyPath);
                break;
            case X509ProxyCredentials proxy:
                Line(text, "client_x509_proxy", proxy.ProxyPath);
                break;
        }

        if (authType == AuthType.Oidc)
        {
            var tokenFile = (credentials as OidcCredentials)?.TokenPath ?? (instance.OidcAuth == OidcTokenLocation.File ? instance.OidcFileName : null);
            Line(text, "auth_token_file_path", tokenFile);
        }

        Line(text, "request_retries", "3");
        Line(text, "protocol_stat_retries", "6");
        return text.ToString();
    }

    private static void Line(StringBuilder text, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            // INI values are single lines: a newline in a value would inject keys.
            text.Append(key).Append(" = ").AppendLine(value.ReplaceLineEndings(" "));
        }
    }

    private static string DefaultPath() =>
        CliPaths.Variable("RUCIO_CONFIG")
        ?? (CliPaths.Variable("RUCIO_HOME") is { } home
            ? Path.Combine(home, "etc", "rucio.cfg")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".rucio", "etc", "rucio.cfg"));

    /// <summary>Written to a temporary 0600 file and renamed over the target, so no reader ever sees a partial file or wider mode.</summary>
    private static async Task WriteSecretFileAsync(string target, string content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + ".datalake-tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, target, overwrite: true);
    }

    private static void WriteResult(Output output, string target, CliSession session, string account)
    {
        var foundByRucio = CliPaths.Variable("RUCIO_CONFIG") == target
            || (CliPaths.Variable("RUCIO_HOME") is { } home && Path.Combine(home, "etc", "rucio.cfg") == target);
        if (output.IsJson)
        {
            output.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("path", target);
                w.WriteString("instance", session.Instance.Name);
                w.WriteString("rucio_host", session.Instance.BaseUrl.AbsoluteUri.TrimEnd('/'));
                w.WriteString("auth_type", session.AuthType.ToWireName());
                w.WriteString("account", account);
                w.WriteBoolean("contains_password", session.Credentials is UserPassCredentials);
                w.WriteEndObject();
            });
            return;
        }

        AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(target)}[/] (mode 0600) for {Markup.Escape(session.Instance.DisplayName)} as {Markup.Escape(account)} ({session.AuthType.ToWireName()}).");
        if (!foundByRucio)
        {
            AnsiConsole.WriteLine($"Point the rucio CLI at it: export RUCIO_CONFIG={target}");
        }
    }
}
