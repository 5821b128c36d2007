using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Rucio.IntegrationTests;

/// <summary>
/// A Sandbox in its own process, for measurements that must not include the server (an in-process Sandbox shares
/// the managed heap with the client under test).
/// </summary>
internal sealed partial class SandboxProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SandboxProcess(Process process, Uri url, string dataDir)
    {
        _process = process;
        Url = url;
        DataDir = dataDir;
    }

    public Uri Url { get; }

    public string DataDir { get; }

    public static async Task<SandboxProcess> StartAsync(TimeSpan timeout, params string[] extraArgs)
    {
        var dataDir = Directory.CreateTempSubdirectory("rucio-it-proc-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The Sandbox assembly is copied next to the tests by the project reference.
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Rucio.Sandbox.dll"));
        foreach (var arg in (string[])["--urls", "http://127.0.0.1:0", "--data-dir", dataDir, .. extraArgs])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(timeout);
        while (await process.StandardOutput.ReadLineAsync(cancellation.Token) is { } line)
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                // Keep draining stdout so the child never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new SandboxProcess(process, new Uri(match.Groups[1].Value.TrimEnd('/') + "/"), dataDir);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"The Sandbox exited before listening (exit code {process.ExitCode}).");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Reclaimed with the temp dir.
        }
    }

    [GeneratedRegex(@"listening on (\S+)")]
    private static partial Regex ListeningLine();
}
