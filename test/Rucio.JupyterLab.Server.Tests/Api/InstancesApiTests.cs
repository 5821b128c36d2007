using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

[Collection(SandboxCollection.Name)]
public sealed class InstancesApiTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task ListsUsableInstancesWithDefaultsAndReportsConfigurationProblems()
    {
        var config = BackendHost.SandboxConfig(sandbox.DirectUri, extraGlobals: ", \"default_instance\": \"sandbox\", \"default_auth_type\": \"userpass\"")
            .Replace("}] ,", "}, {\"name\": \"broken\", \"display_name\": \"Broken\", \"mode\": \"download\", \"rucio_base_url\": \"not a url\"}] ,", StringComparison.Ordinal);
        await using var backend = await BackendHost.StartAsync(config);

        var (status, body) = await backend.GetAsync("/rucio-jupyterlab/instances");

        Assert.Equal(200, status);
        Assert.Equal("sandbox", (string?)body!["active_instance"]);
        Assert.Equal("userpass", (string?)body["auth_type"]);
        var instance = Assert.Single(body["instances"]!.AsArray())!;
        Assert.Equal("sandbox", (string?)instance["name"]);
        Assert.Equal("Sandbox", (string?)instance["display_name"]);
        Assert.Equal("replica", (string?)instance["mode"]);
        Assert.False((bool)instance["oidc_enabled"]!);
        Assert.Null(instance["webui_url"]);
        var problem = Assert.Single(body["problems"]!.AsArray())!;
        Assert.Equal("error", (string?)problem["severity"]);
        Assert.Equal("broken", (string?)problem["instance"]);
        Assert.Equal("rucio_base_url", (string?)problem["key"]);
        Assert.Contains("not a url", (string?)problem["message"], StringComparison.Ordinal);
        // The same problem is in the log for the operator.
        Assert.Contains(backend.Logs.Lines, line => line.Contains("Instance 'broken', key 'rucio_base_url'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SelectionAndAuthMethodArePersistedPerInstance()
    {
        var config = BackendHost.SandboxConfig(sandbox.DirectUri)
            .Replace("}] ", "}, {\"name\": \"second\", \"display_name\": \"Second\", \"mode\": \"download\", \"rucio_base_url\": \"http://127.0.0.1:9\"}] ", StringComparison.Ordinal);
        await using var backend = await BackendHost.StartAsync(config);

        var (before, initial) = await backend.GetAsync("/rucio-jupyterlab/instances");
        var (put1, _) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/instances", new { instance = "sandbox", auth = "x509_proxy" });
        var (put2, _) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/instances", new { instance = "second", auth = "userpass" });
        var (_, after) = await backend.GetAsync("/rucio-jupyterlab/instances");

        Assert.Equal(200, before);
        Assert.Null(initial!["active_instance"]);
        Assert.Equal(200, put1);
        Assert.Equal(200, put2);
        Assert.Equal("second", (string?)after!["active_instance"]);
        Assert.Equal("userpass", (string?)after["auth_type"]);
        var methods = after["instances"]!.AsArray().ToDictionary(i => (string)i!["name"]!, i => (string?)i!["auth_type"]);
        Assert.Equal("x509_proxy", methods["sandbox"]);
        Assert.Equal("userpass", methods["second"]);
    }

    [Theory]
    [InlineData("ghost", "userpass", "'ghost'")]
    [InlineData("sandbox", "kerberos", "'kerberos'")]
    [InlineData("", "userpass", "name the instance")]
    public async Task BadSelectionIsRefusedWithAReason(string instance, string auth, string expected)
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));

        var (status, body) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/instances", new { instance, auth });

        Assert.Equal(400, status);
        Assert.False((bool)body!["success"]!);
        Assert.Contains(expected, (string?)body["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSandboxsOwnRucioConfigFileWorksAsWritten()
    {
        await using var backend = await BackendHost.StartAsync(sandbox.WrittenConfig.ToJsonString());

        var (_, body) = await backend.GetAsync("/rucio-jupyterlab/instances");

        Assert.Equal(["sandbox", "sandbox-download"], body!["instances"]!.AsArray().Select(i => (string?)i!["name"]));
        Assert.Equal("sandbox", (string?)body["active_instance"]);
        Assert.Empty(body["problems"]!.AsArray());
    }

    [Fact]
    public async Task MissingConfigFileIsReportedAndTheEnvironmentInstanceStillWorks()
    {
        var environment = new Dictionary<string, string>
        {
            ["RUCIO_NAME"] = "from-env",
            ["RUCIO_DISPLAY_NAME"] = "From env",
            ["RUCIO_BASE_URL"] = sandbox.DirectUri.GetLeftPart(UriPartial.Authority),
            ["RUCIO_DESTINATION_RSE"] = "CERN-EOS",
            ["RUCIO_RSE_MOUNT_PATH"] = "/eos/rucio",
        };
        await using var backend = await BackendHost.StartAsync(null, environment, ["--config", "/nonexistent/jupyter_server_config.json"]);

        var (status, body) = await backend.GetAsync("/rucio-jupyterlab/instances");

        Assert.Equal(200, status);
        Assert.Equal("from-env", (string?)Assert.Single(body!["instances"]!.AsArray())!["name"]);
        Assert.Contains("/nonexistent/jupyter_server_config.json", (string?)Assert.Single(body["problems"]!.AsArray())!["message"], StringComparison.Ordinal);
    }
}
