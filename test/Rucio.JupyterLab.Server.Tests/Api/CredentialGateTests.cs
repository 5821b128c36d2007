using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

[Collection(SandboxCollection.Name)]
public sealed class CredentialGateTests(SandboxFixture sandbox)
{
    [Theory]
    [InlineData("/rucio-jupyterlab/list-scopes", 400, "Missing Rucio instance")]
    [InlineData("/rucio-jupyterlab/list-scopes?namespace=ghost", 404, "'ghost'")]
    [InlineData("/rucio-jupyterlab/list-scopes?namespace=sandbox", 401, "No authentication method")]
    [InlineData("/rucio-jupyterlab/list-rses?namespace=sandbox", 401, "No authentication method")]
    [InlineData("/rucio-jupyterlab/did-search?namespace=sandbox&did=opendata:x", 401, "No authentication method")]
    [InlineData("/rucio-jupyterlab/files?namespace=sandbox&did=opendata:x", 401, "No authentication method")]
    public async Task DataRoutesRequireAnInstanceAndCredentials(string path, int expectedStatus, string expectedText)
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));

        var (status, body) = await backend.GetAsync(path);

        Assert.Equal(expectedStatus, status);
        Assert.False((bool)body!["success"]!);
        Assert.Contains(expectedText, (string?)body["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChosenMethodWithoutSavedCredentialsIsA401ThatSaysSo()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri, extraGlobals: ", \"default_auth_type\": \"userpass\""));

        var (status, body) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");

        Assert.Equal(401, status);
        Assert.Contains("Credentials not found", (string?)body!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterLoginScopesAreListedSorted()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));
        await backend.LoginAsync();

        var (status, body) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");

        Assert.Equal(200, status);
        Assert.True((bool)body!["success"]!);
        var scopes = body["scopes"]!.AsArray().Select(s => (string)s!).ToList();
        Assert.Contains("opendata", scopes);
        Assert.Contains("user.root", scopes);
        Assert.Equal(scopes.Order(StringComparer.Ordinal), scopes);
    }

    [Fact]
    public async Task UnknownRouteIsAJson404()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));

        var (status, body) = await backend.GetAsync("/rucio-jupyterlab/no-such-route");

        Assert.Equal(404, status);
        Assert.Contains("no-such-route", (string?)body!["error"], StringComparison.Ordinal);
    }
}
