using Microsoft.AspNetCore.Builder;
using Rucio.Client;
using Rucio.Sandbox;

namespace Rucio.IntegrationTests;

/// <summary>A live Sandbox on a loopback port with its own data directory, started in-process.</summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, string dataDir, Uri url)
    {
        _app = app;
        DataDir = dataDir;
        Url = url;
    }

    public string DataDir { get; }

    public Uri Url { get; }

    public static async Task<SandboxServer> StartAsync(params string[] extraArgs)
    {
        var dataDir = Directory.CreateTempSubdirectory("rucio-it-").FullName;
        string[] args = ["--urls", "http://127.0.0.1:0", "--data-dir", dataDir, .. extraArgs];
        var app = SandboxApp.Build(args);
        await app.StartAsync();
        var url = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return new SandboxServer(app, dataDir, url);
    }

    public RucioClient CreateClient(
        string username = "ddmlab",
        string password = "secret",
        string account = "root",
        Action<RucioClientOptions>? configure = null,
        HttpMessageHandler? transport = null)
    {
        var options = new RucioClientOptions
        {
            BaseUri = Url,
            Account = account,
            Credential = RucioCredential.UserPass(username, password),
            Timeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        return transport is null ? new RucioClient(options) : new RucioClient(options, transport);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A worker may still be closing a file; the temp dir is reclaimed by the OS.
        }
    }
}

/// <summary>One demo-seeded Sandbox shared by the tests of a class.</summary>
public sealed class DemoSandboxFixture : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync("--seed", "demo", "--transfer-delay", "0.1");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

internal static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes (no fixed sleeps in tests).</summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        do
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:F0} s; last value: {last}");
    }
}
