using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Rucio.Client;
using Rucio.Sandbox;

namespace Rucio.DataLake.Cli.Tests.Support;

/// <summary>A demo-seeded Sandbox on a loopback port with real storage directories, started in-process.</summary>
public sealed class SandboxHost : IAsyncDisposable
{
    public const string WebUi = "https://webui.example.org";
    private readonly WebApplication _app;

    private SandboxHost(WebApplication app, string dataDir, Uri url)
    {
        _app = app;
        DataDir = dataDir;
        Url = url;
    }

    public string DataDir { get; }

    public Uri Url { get; }

    public string RseDirectory(string rse) => Path.Combine(DataDir, "rses", rse);

    public static async Task<SandboxHost> StartAsync(params string[] extraArgs)
    {
        var dataDir = Directory.CreateTempSubdirectory("datalake-cli-sandbox-").FullName;
        string[] args = ["--urls", "http://127.0.0.1:0", "--data-dir", dataDir, "--seed", "demo", .. extraArgs];
        var app = SandboxApp.Build(args);
        await app.StartAsync();
        return new SandboxHost(app, dataDir, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    public RucioClient CreateClient() => new(new RucioClientOptions
    {
        BaseUri = Url,
        Account = "root",
        Credential = RucioCredential.UserPass("ddmlab", "secret"),
        Timeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>A RucioConfig file for the CLI: one replica-mode instance on CERN-EOS with a Web UI URL.</summary>
    public string WriteConfig(string directory)
    {
        var config = new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject
            {
                ["name"] = "sandbox",
                ["display_name"] = "Sandbox",
                ["mode"] = "replica",
                ["rucio_base_url"] = Url.GetLeftPart(UriPartial.Authority),
                ["rucio_webui_url"] = WebUi,
                ["destination_rse"] = "CERN-EOS",
                ["rse_mount_path"] = RseDirectory("CERN-EOS"),
                ["replication_rule_lifetime_days"] = 7,
            }),
            ["default_instance"] = "sandbox",
        };
        var path = Path.Combine(directory, "rucio-config.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
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
            // A transfer worker may still be closing a file; the temporary directory is reclaimed by the OS.
        }
    }
}

/// <summary>One Sandbox per test class. Transfers take 2 s, so "not replicated yet" is observable right after an upload.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public SandboxHost Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await SandboxHost.StartAsync("--transfer-delay", "2", "--transfer-fail", "*never-replicates*");

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

public static class Eventually
{
    /// <summary>Polls until the condition holds or the deadline passes (no fixed sleeps).</summary>
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

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:F0} s; last value: {last}");
    }
}
