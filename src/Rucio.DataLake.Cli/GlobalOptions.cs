using System.CommandLine;

namespace Rucio.DataLake.Cli;

/// <summary>Options every command understands.</summary>
internal static class GlobalOptions
{
    public static readonly Option<FileInfo?> Config = new("--config")
    {
        Description = "A JSON file holding a RucioConfig object (or a jupyter_server_config.json). Default: the Jupyter config files, then RUCIO_* variables.",
        Recursive = true,
    };

    public static readonly Option<string?> Instance = new("--instance")
    {
        Description = "The instance name to use. Default: default_instance, or the only instance.",
        Recursive = true,
    };

    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "text (tables for people) or json (one document for scripts).",
        DefaultValueFactory = _ => OutputFormat.Text,
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print details of failures (never secrets).",
        Recursive = true,
    };

    public static readonly Option<string?> AuthType = new("--auth-type")
    {
        Description = "userpass, x509, x509_proxy or oidc. Default: RUCIO_AUTH_TYPE, the variables set, the extension's choice, default_auth_type.",
        Recursive = true,
    };

    public static void AddTo(Command root)
    {
        root.Options.Add(AuthType);
        root.Options.Add(Config);
        root.Options.Add(Instance);
        root.Options.Add(Output);
        root.Options.Add(Verbose);
    }
}

internal enum OutputFormat
{
    Text,
    Json,
}
