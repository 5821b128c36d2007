using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

[Collection(SandboxCollection.Name)]
public sealed class RucioDownTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task RucioDownIsA502WithAClearMessageAndRecoveryNeedsNoRestart()
    {
        await using var proxy = new TcpToggleProxy(sandbox.DirectUri);
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(proxy.Uri));
        await backend.LoginAsync();
        var (up, _) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");

        await proxy.TakeDownAsync();
        var (down, body) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");
        var (downSearch, _) = await backend.GetAsync("/rucio-jupyterlab/did-search?namespace=sandbox&did=opendata:higgs_diphoton_2012");
        var (health, _) = await backend.GetAsync("/_health");

        proxy.BringUp();
        var (recovered, scopes) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");

        Assert.Equal(200, up);
        Assert.Equal(502, down);
        Assert.Contains("Cannot reach the Rucio server of 'Sandbox'", (string?)body!["error"], StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{proxy.Port}", (string?)body["error"], StringComparison.Ordinal);
        Assert.Equal("ConnectionError", (string?)body["exception_class"]);
        Assert.Equal(502, downSearch);
        Assert.Equal(200, health);
        Assert.Equal(200, recovered);
        Assert.Contains("opendata", scopes!["scopes"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public async Task PutAuthWhileRucioIsDownSaysSoAndSavesNothing()
    {
        await using var proxy = new TcpToggleProxy(sandbox.DirectUri);
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(proxy.Uri));
        await proxy.TakeDownAsync();

        var (status, body) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = "sandbox", type = "userpass", @params = new { username = "ddmlab", password = "secret" } });
        var (saved, _) = await backend.GetAsync("/rucio-jupyterlab/auth?namespace=sandbox&type=userpass");

        Assert.Equal(502, status);
        Assert.Contains("Cannot reach", (string?)body!["error"], StringComparison.Ordinal);
        Assert.Equal(404, saved);
    }
}
