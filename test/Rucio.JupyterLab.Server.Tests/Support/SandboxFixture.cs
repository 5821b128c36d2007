using System.Text.Json.Nodes;
using Rucio.Sandbox;

namespace Rucio.JupyterLab.Server.Tests.Support;

/// <summary>
/// One in-process Rucio Sandbox with the demo seed (root: ddmlab/secret; jdoe: jdoe/jdoe-secret), shared by the API
/// tests, reached through a <see cref="TcpToggleProxy"/> so a test can take "Rucio" down and bring it back.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private WebApplication? _sandbox;

    /// <summary>The Sandbox itself (never taken down).</summary>
    public Uri DirectUri { get; private set; } = null!;

    /// <summary>What <c>sandbox/rucio-config.json</c> says about the Sandbox.</summary>
    public JsonObject WrittenConfig { get; private set; } = null!;

    public string DataDirectory => _directory.Combine("sandbox");

    /// <summary>Where the mounted RSE CERN-EOS keeps its files (the "mount path" of replica mode).</summary>
    public string MountPath => Path.Combine(DataDirectory, "rses", "CERN-EOS");

    /// <summary>The replica-mode instance the Sandbox describes in rucio-config.json, pointed at <paramref name="rucio"/>.</summary>
    public string ReplicaConfig(Uri rucio, string extraInstanceKeys = "")
    {
        var instance = (JsonObject)WrittenConfig["instances"]![0]!.DeepClone();
        instance["rucio_base_url"] = rucio.GetLeftPart(UriPartial.Authority);
        instance["rucio_auth_url"] = rucio.GetLeftPart(UriPartial.Authority);
        instance["rucio_webui_url"] = "https://webui.example.org/ui";
        var json = instance.ToJsonString();
        return "{\"RucioConfig\": {\"instances\": [" + json[..^1] + extraInstanceKeys + "}]}}";
    }

    /// <summary>The download-mode instance of rucio-config.json, pointed at <paramref name="rucio"/>.</summary>
    public string DownloadConfig(Uri rucio)
    {
        var instance = (JsonObject)WrittenConfig["instances"]![1]!.DeepClone();
        instance["rucio_base_url"] = rucio.GetLeftPart(UriPartial.Authority);
        instance["rucio_auth_url"] = rucio.GetLeftPart(UriPartial.Authority);
        instance.Remove("rucio_ca_cert");
        return "{\"RucioConfig\": {\"instances\": [" + instance.ToJsonString() + "]}}";
    }

    public async Task InitializeAsync()
    {
        // Files named *.stuck never transfer (their rules go STUCK), for the stuck-rule tests; nothing else matches.
        _sandbox = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--data-dir", DataDirectory, "--seed", "demo",
            "--transfer-delay", "0.2", "--transfer-fail", "*.stuck"]);
        await _sandbox.StartAsync();
        DirectUri = new Uri(_sandbox.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        var configPath = Path.Combine(DataDirectory, "rucio-config.json");
        await Poll.UntilAsync(() => File.Exists(configPath), "the Sandbox's rucio-config.json");
        WrittenConfig = (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(configPath))!;
    }

    /// <summary>An OIDC access token from the Sandbox's provider, as JupyterHub would hand it over.</summary>
    public async Task<string> IssueOidcTokenAsync(string username = "ddmlab", string password = "secret")
    {
        using var http = new HttpClient { BaseAddress = DirectUri };
        using var response = await http.PostAsync("/oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = username,
            ["password"] = password,
            ["audience"] = "rucio",
            ["scope"] = "openid profile",
        }));
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["access_token"]!.GetValue<string>();
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.StopAsync();
            await _sandbox.DisposeAsync();
        }

        _directory.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "Sandbox";
}
