using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

[Collection(SandboxCollection.Name)]
public sealed class OperationsTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task TheJupyterUserFromTheBridgeIsInTheLogScopeButDecidesNothing()
    {
        await using var backend = await BackendHost.StartAsync(sandbox.ReplicaConfig(sandbox.DirectUri));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/rucio-jupyterlab/list-scopes?namespace=sandbox");
        request.Headers.Add("X-Jupyter-User", "alice");

        using var response = await backend.Http.SendAsync(request);

        // No credentials saved: the header grants nothing.
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Contains(backend.Logs.Lines, line => line.Contains("=> user=alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutTheHeaderNoUserScopeIsAdded()
    {
        await using var backend = await BackendHost.StartAsync(sandbox.ReplicaConfig(sandbox.DirectUri));

        await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");

        Assert.DoesNotContain(backend.Logs.Lines, line => line.Contains("user=", StringComparison.Ordinal));
    }
}
