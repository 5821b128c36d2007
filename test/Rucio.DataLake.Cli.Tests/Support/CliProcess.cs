using System.Diagnostics;
using System.Text.Json;

namespace Rucio.DataLake.Cli.Tests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the real <c>datalake</c> executable (the CLI project's build output) as a child process with a hermetic
/// environment: its own HOME, state and extension directories, the Sandbox's config, and userpass credentials.
/// </summary>
public sealed class CliProcess
{
    private static readonly Lazy<string> CliDll = new(LocateCli);
    private readonly Dictionary<string, string?> _environment;

    public CliProcess(SandboxHost sandbox, string workDirectory)
    {
        WorkDirectory = workDirectory;
        Home = Directory.CreateDirectory(Path.Combine(workDirectory, "home")).FullName;
        StateDirectory = Path.Combine(workDirectory, "state");
        ConfigPath = sandbox.WriteConfig(workDirectory);
        _environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HOME"] = Home,
            ["DATALAKE_STATE_DIR"] = StateDirectory,
            ["RUCIO_JUPYTERLAB_DATA_DIR"] = Path.Combine(workDirectory, "extension"),
            ["JUPYTER_CONFIG_DIR"] = Path.Combine(workDirectory, "jupyter"),
            ["RUCIO_USERNAME"] = "ddmlab",
            ["RUCIO_PASSWORD"] = "secret",
            ["RUCIO_ACCOUNT"] = "root",
            ["RUCIO_AUTH_TYPE"] = null,
            ["RUCIO_CONFIG"] = null,
            ["RUCIO_HOME"] = null,
            ["X509_USER_PROXY"] = null,
            ["SCRATCH"] = null,
            ["TERM"] = "dumb",
            ["NO_COLOR"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
    }

    public string WorkDirectory { get; }

    public string Home { get; }

    public string StateDirectory { get; }

    public string ConfigPath { get; }

    public CliProcess With(string variable, string? value)
    {
        _environment[variable] = value;
        return this;
    }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"datalake {string.Join(' ', args)} did not finish within 90 s.");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the CLI without waiting (for the kill test); the caller owns the process.</summary>
    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkDirectory,
        };
        start.ArgumentList.Add(CliDll.Value);
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(ConfigPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in _environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
    }

    /// <summary>The CLI's own build output (same configuration as this test assembly), found from the repository root.</summary>
    private static string LocateCli()
    {
        var testOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var configuration = new DirectoryInfo(testOutput).Parent!.Parent!.Name;
        var directory = new DirectoryInfo(testOutput);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RucioJupyterLab.slnx")))
        {
            directory = directory.Parent;
        }

        var dll = directory is null ? null : Path.Combine(directory.FullName, "src", "Rucio.DataLake.Cli", "bin", configuration, "net10.0", "Rucio.DataLake.Cli.dll");
        return dll is not null && File.Exists(dll)
            ? dll
            : Path.Combine(testOutput, "Rucio.DataLake.Cli.dll");
    }
}
