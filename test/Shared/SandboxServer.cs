using Microsoft.AspNetCore.Builder;
using Rucio.Client;
using Rucio.Sandbox;

namespace Rucio.Tests.Shared;

/// <summary>
/// A live Sandbox on a loopback port with its own temporary data directory, started in-process. Compiled into each
/// test project that needs one (test/Shared), so every suite starts and stops it the same way.
/// </summary>
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

    /// <summary>The Sandbox's base URL, ending in a slash.</summary>
    public Uri Url { get; }

    /// <summary>Starts a Sandbox on a free port; <paramref name="extraArgs"/> are Sandbox command-line options (e.g. --seed demo).</summary>
    public static async Task<SandboxServer> StartAsync(params string[] extraArgs)
    {
        var dataDir = Directory.CreateTempSubdirectory("rucio-test-sandbox-").FullName;
        WebApplication? app = null;
        try
        {
            app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--data-dir", dataDir, .. extraArgs]);
            await app.StartAsync();
            return new SandboxServer(app, dataDir, new Uri(app.Urls.First().TrimEnd('/') + "/"));
        }
        catch
        {
            // A bad option or a failed start must not leave a half-built host or its directory behind.
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            TryDeleteDataDir(dataDir);
            throw;
        }
    }

    /// <summary>A client logged in with userpass; the defaults are the demo seed's root identity.</summary>
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
        TryDeleteDataDir(DataDir);
    }

    private static void TryDeleteDataDir(string dataDir)
    {
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A transfer worker may still be closing a file; the temporary directory is reclaimed by the OS.
        }
    }
}
