using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Rucio.Client.Tests.Infrastructure;

/// <summary>
/// A real <c>openssl s_server</c> on a free loopback port: the same OpenSSL verification a grid server (Apache
/// mod_ssl with proxy certificates allowed) applies. Its verify callback prints every element of the client chain
/// it validated ("depth=N subject") on stderr, which is the evidence of what the client presented.
/// </summary>
public sealed partial class OpenSslServer : IAsyncDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly List<string> _errorLines = [];

    private OpenSslServer(Process process) => _process = process;

    public int Port { get; private set; }

    /// <summary>What s_server printed on stderr so far.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_errorLines)
            {
                return [.. _errorLines];
            }
        }
    }

    /// <summary>
    /// Starts <c>openssl s_server -accept 127.0.0.1:0 <paramref name="arguments"/></c> in
    /// <paramref name="workingDirectory"/> (where <c>-HTTP</c> serves its files from) and waits until it listens.
    /// </summary>
    public static async Task<OpenSslServer> StartAsync(string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["s_server", "-accept", "127.0.0.1:0", .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var server = new OpenSslServer(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && AcceptLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (server._errorLines)
                {
                    server._errorLines.Add(e.Data);
                }
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("openssl s_server exited."));
        if (!process.Start())
        {
            throw new InvalidOperationException("Cannot start the openssl command (Debian package 'openssl').");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Port = await listening.Task.WaitAsync(StartupTimeout);
            return server;
        }
        catch (Exception ex)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"openssl s_server did not start: {string.Join(" | ", server.ErrorLines)}", ex);
        }
    }

    /// <summary>The subjects s_server's verify callback reported, by depth (0 = the presented leaf).</summary>
    public async Task<IReadOnlyDictionary<int, string>> WaitForVerifiedChainAsync(int expectedDepths)
    {
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (true)
        {
            var chain = new Dictionary<int, string>();
            foreach (var line in ErrorLines)
            {
                if (DepthLine().Match(line) is { Success: true } match)
                {
                    chain[int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)] = match.Groups[2].Value;
                }
            }

            if (chain.Count >= expectedDepths || DateTime.UtcNow > deadline)
            {
                return chain;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits (bounded) until s_server printed a stderr line matching <paramref name="match"/>.</summary>
    public async Task<string?> WaitForErrorLineAsync(Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (true)
        {
            var line = ErrorLines.FirstOrDefault(match);
            if (line is not null || DateTime.UtcNow > deadline)
            {
                return line;
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    [GeneratedRegex(@"^ACCEPT\s+\S+:(\d+)")]
    private static partial Regex AcceptLine();

    [GeneratedRegex(@"^depth=(\d+)\s+(.*)$")]
    private static partial Regex DepthLine();
}
