using System.Text.Json.Nodes;
using Rucio.Client;

namespace Rucio.DataLake.Cli.Tests.Support;

/// <summary>
/// A demo-seeded in-process Sandbox (the shared <see cref="SandboxServer"/>) with what the CLI tests need on top:
/// the RSE storage directories and a RucioConfig file pointing at it.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    public const string WebUi = "https://webui.example.org";
    private readonly SandboxServer _server;

    private SandboxHost(SandboxServer server) => _server = server;

    public string DataDir => _server.DataDir;

    public Uri Url => _server.Url;

    public string RseDirectory(string rse) => Path.Combine(DataDir, "rses", rse);

    public static async Task<SandboxHost> StartAsync(params string[] extraArgs) =>
        new(await SandboxServer.StartAsync(["--seed", "demo", .. extraArgs]));

    public RucioClient CreateClient() => _server.CreateClient();

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

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>One Sandbox per test class. Transfers take 2 s, so "not replicated yet" is observable right after an upload.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public SandboxHost Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await SandboxHost.StartAsync("--transfer-delay", "2", "--transfer-fail", "*never-replicates*");

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}
