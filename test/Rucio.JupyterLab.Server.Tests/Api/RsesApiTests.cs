using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

[Collection(SandboxCollection.Name)]
public sealed class RsesApiTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task OldRouteGivesNamesAsStringsAndTheNewRouteGivesObjects()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));
        await backend.LoginAsync();

        var (namesStatus, names) = await backend.GetAsync("/rucio-jupyterlab/list-rses?namespace=sandbox");
        var (detailsStatus, details) = await backend.GetAsync("/rucio-jupyterlab/list-rses/details?namespace=sandbox");

        Assert.Equal(200, namesStatus);
        var list = names!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(["CERN-EOS", "DESY-DCACHE", "SCRATCH-DISK"], list);
        Assert.Equal(200, detailsStatus);
        Assert.Equal(list, details!.AsArray().Select(d => (string?)d!["rse"]));
    }

    [Fact]
    public async Task ExpressionIsPassedToRucio()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));
        await backend.LoginAsync();

        var (status, body) = await backend.GetAsync("/rucio-jupyterlab/list-rses?namespace=sandbox&expression=" + Uri.EscapeDataString("tier=0"));

        Assert.Equal(200, status);
        Assert.Equal(["CERN-EOS"], body!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task BadExpressionCarriesRuciosExceptionClass()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));
        await backend.LoginAsync();

        var (status, body) = await backend.GetAsync("/rucio-jupyterlab/list-rses?namespace=sandbox&expression=" + Uri.EscapeDataString("((("));

        Assert.Equal(400, status);
        Assert.Equal("InvalidRSEExpression", (string?)body!["exception_class"]);
        Assert.StartsWith("Rucio refused to list the storage elements", (string?)body["error"], StringComparison.Ordinal);
    }
}
