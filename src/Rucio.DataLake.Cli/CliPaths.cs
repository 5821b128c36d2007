namespace Rucio.DataLake.Cli;

/// <summary>Where the CLI keeps and looks for things; every location can be moved with an environment variable.</summary>
internal static class CliPaths
{
    /// <summary>The CLI's own state (the scratch deletion ledger): <c>DATALAKE_STATE_DIR</c>, else XDG data home.</summary>
    public static string StateDirectory =>
        Variable("DATALAKE_STATE_DIR")
        ?? Path.Combine(Variable("XDG_DATA_HOME") ?? Path.Combine(Home, ".local", "share"), "datalake");

    public static string LedgerPath => Path.Combine(StateDirectory, "scratch-ledger.db");

    /// <summary>The user's scratch space on the data-lake storage (<c>$SCRATCH</c>), or null when not set.</summary>
    public static string? Scratch => Variable("SCRATCH") is { } scratch ? Path.GetFullPath(scratch) : null;

    /// <summary>Downloads go to <c>DATALAKE_DOWNLOAD_DIR</c> or <c>~/rucio</c>, then <c>instance/scope/name</c> (the extension's layout).</summary>
    public static string DownloadRoot(string instance) =>
        Path.Combine(Variable("DATALAKE_DOWNLOAD_DIR") ?? Path.Combine(Home, "rucio"), instance);

    private static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
