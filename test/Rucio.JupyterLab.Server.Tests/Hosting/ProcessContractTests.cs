using System.Diagnostics;
using System.Net.Sockets;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Hosting;

/// <summary>
/// The contract with the Python bridge, checked on the real process: Unix socket, the ready line on stdout,
/// <c>/_health</c>, a stale socket replaced, exit 0 on SIGTERM, exit 2 on a bad command line.
/// </summary>
public sealed class ProcessContractTests : IDisposable
{
    private static readonly string ServerDll = Path.Combine(AppContext.BaseDirectory, "Rucio.JupyterLab.Server.dll");

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ServesOnAUnixSocketAndStopsCleanlyOnSigterm()
    {
        var socket = _directory.Combine("backend.sock");
        await File.WriteAllTextAsync(socket, "stale file left by a crash");
        using var process = Start("--socket", socket, "--data-dir", _directory.Combine("data"), "--config", _directory.Combine("absent.json"));
        try
        {
            var ready = await ReadLineWithTimeoutAsync(process.StandardOutput);
            Assert.Equal($"Rucio JupyterLab backend ready on {socket}", ready);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));

            using var http = new HttpClient(new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                    return new NetworkStream(client, ownsSocket: true);
                },
            }) { BaseAddress = new Uri("http://backend") };
            Assert.Equal("{\"status\":\"ok\"}", await http.GetStringAsync("/_health"));
            var instances = await http.GetStringAsync("/rucio-jupyterlab/instances");
            Assert.Contains("absent.json", instances, StringComparison.Ordinal);

            await SendSigtermAsync(process.Id);
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            Assert.Equal(0, process.ExitCode);
            Assert.False(File.Exists(socket));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task StopsWhenStandardInputClosesLikeWhenJupyterDies()
    {
        var socket = _directory.Combine("orphan.sock");
        using var process = Start("--socket", socket, "--data-dir", _directory.Combine("data"));
        try
        {
            Assert.Equal($"Rucio JupyterLab backend ready on {socket}", await ReadLineWithTimeoutAsync(process.StandardOutput));

            process.StandardInput.Close();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

            Assert.Equal(0, process.ExitCode);
            Assert.False(File.Exists(socket));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Theory]
    [InlineData("--data-dir", "/tmp/x")]
    [InlineData("--urls", "http://127.0.0.1:0", "--socket", "/tmp/x.sock")]
    [InlineData("--urls", "http://127.0.0.1:0", "--bogus", "1")]
    [InlineData("--urls", "http://127.0.0.1:0", "--log-level", "loud")]
    public async Task BadCommandLineExitsWith2AndSaysWhy(params string[] args)
    {
        using var process = Start(args);

        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("rucio-jupyterlab-backend:", error, StringComparison.Ordinal);
    }

    /// <summary>What the bridge (and systemd, Kubernetes) send to stop the backend.</summary>
    private static async Task SendSigtermAsync(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            // As the bridge does: a pipe nobody writes to, closed when the parent goes away.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Keep the operator's environment out of the configuration under test.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("RUCIO_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    private static async Task<string?> ReadLineWithTimeoutAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await reader.ReadLineAsync(timeout.Token);
    }
}
