using System.Text;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

[Collection(SandboxCollection.Name)]
public sealed class ReplicaFailureTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task RucioDownGivesA502ForStatusAndMakeAvailableThenRecovers()
    {
        await using var proxy = new TcpToggleProxy(sandbox.DirectUri);
        await using var backend = await BackendHost.StartAsync(sandbox.ReplicaConfig(proxy.Uri));
        await backend.LoginAsync();
        var did = Uri.EscapeDataString("opendata:calibration_2012");

        await proxy.TakeDownAsync();
        var (down, body) = await backend.GetAsync($"/rucio-jupyterlab/did/status?namespace=sandbox&did={did}&refresh=1");
        var (downMake, _) = await backend.MakeAvailableAsync("sandbox", "opendata:calibration_2012");
        proxy.BringUp();
        var (up, status) = await backend.GetAsync($"/rucio-jupyterlab/did/status?namespace=sandbox&did={did}&refresh=1");

        Assert.Equal(502, down);
        Assert.Equal("ConnectionError", (string?)body!["exception_class"]);
        Assert.Contains("Cannot reach the Rucio server", (string?)body["error"], StringComparison.Ordinal);
        Assert.Equal(502, downMake);
        Assert.Equal(200, up);
        Assert.Equal("AVAILABLE", (string?)status!["status"]);
    }

    [Fact]
    public async Task AnExpiredOidcTokenIsA401ThatSaysWhatToDo()
    {
        var expired = Jwt("""{"sub":"ddmlab","exp":1600000000}""");
        using var directory = new TempDirectory();
        var tokenFile = directory.WriteFile("token", expired);
        await using var backend = await BackendHost.StartAsync(
            sandbox.ReplicaConfig(sandbox.DirectUri, $", \"oidc_auth\": \"file\", \"oidc_file_name\": \"{tokenFile}\"").Replace(
                "\"instances\"", "\"default_auth_type\": \"oidc\", \"instances\"", StringComparison.Ordinal));

        var (status, body) = await backend.GetAsync("/rucio-jupyterlab/did/status?namespace=sandbox&did=" + Uri.EscapeDataString("opendata:calibration_2012"));

        Assert.Equal(401, status);
        Assert.Equal("TokenExpired", (string?)body!["exception_class"]);
        Assert.Contains("has expired", (string?)body["error"], StringComparison.Ordinal);
        Assert.Contains("Log in to JupyterHub again", (string?)body["error"], StringComparison.Ordinal);
        Assert.DoesNotContain(expired, backend.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInstanceWithoutDestinationCannotComputeReplicaStatus()
    {
        var config = BackendHost.SandboxConfig(sandbox.DirectUri).Replace("\"destination_rse\": \"CERN-EOS\", ", "", StringComparison.Ordinal);
        await using var backend = await BackendHost.StartAsync(config);
        await backend.LoginAsync();

        var (status, body) = await backend.MakeAvailableAsync("sandbox", "opendata:calibration_2012");

        Assert.Equal(409, status);
        Assert.Equal("ConfigurationIncomplete", (string?)body!["exception_class"]);
        Assert.Contains("destination_rse", (string?)body["error"], StringComparison.Ordinal);
    }

    private static string Jwt(string payload)
    {
        static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Encode("""{"alg":"RS256","typ":"JWT"}""")}.{Encode(payload)}.c2lnbmF0dXJl";
    }
}
