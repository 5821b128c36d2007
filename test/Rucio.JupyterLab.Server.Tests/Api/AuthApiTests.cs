using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

[Collection(SandboxCollection.Name)]
public sealed class AuthApiTests(SandboxFixture sandbox)
{
    private const string Password = "secret";

    [Fact]
    public async Task GoodUserpassIsTestedSavedAndNeverEchoed()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));

        var (putStatus, putBody) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = "sandbox", type = "userpass", @params = new { username = "ddmlab", password = Password, account = "root" } });
        using var getResponse = await backend.Http.GetAsync("/rucio-jupyterlab/auth?namespace=sandbox&type=userpass");
        var getText = await getResponse.Content.ReadAsStringAsync();

        Assert.Equal(200, putStatus);
        Assert.True((bool)putBody!["success"]!);
        Assert.Equal("root", (string?)putBody["account"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", (string?)putBody["lifetime"]);
        Assert.Equal(200, (int)getResponse.StatusCode);
        Assert.Contains("\"username\":\"ddmlab\"", getText, StringComparison.Ordinal);
        Assert.Contains("\"account\":\"root\"", getText, StringComparison.Ordinal);
        Assert.Contains("\"password_set\":true", getText, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, getText, StringComparison.Ordinal);
        Assert.DoesNotContain("\"password\"", getText, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, backend.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResavingUserpassWithoutRetypingThePasswordKeepsTheSavedOne()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));
        await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = "sandbox", type = "userpass", @params = new { username = "ddmlab", password = Password, account = "root" } });

        // The panel shows "set" instead of the password and sends the form without it.
        var (status, body) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = "sandbox", type = "userpass", @params = new { username = "ddmlab", account = "root" } });
        var (otherStatus, _) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = "sandbox", type = "userpass", @params = new { username = "someone-else", account = "root" } });

        Assert.Equal(200, status);
        Assert.Equal("root", (string?)body!["account"]);
        Assert.Equal(400, otherStatus);
    }

    [Fact]
    public async Task WrongPasswordGivesRuciosErrorAndSavesNothing()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));

        var (status, body) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = "sandbox", type = "userpass", @params = new { username = "ddmlab", password = "wrong-password-42", account = "root" } });
        var (getStatus, _) = await backend.GetAsync("/rucio-jupyterlab/auth?namespace=sandbox&type=userpass");

        Assert.Equal(401, status);
        Assert.False((bool)body!["success"]!);
        Assert.Contains("did not accept your credentials", (string?)body["error"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)body["exception_class"]));
        Assert.False(string.IsNullOrEmpty((string?)body["exception_message"]));
        Assert.Equal(404, getStatus);
        Assert.DoesNotContain("wrong-password-42", backend.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedChangeKeepsTheWorkingCredentials()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));
        await backend.LoginAsync();

        var (failed, _) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = "sandbox", type = "userpass", @params = new { username = "ddmlab", password = "nope", account = "root" } });
        var (scopes, _) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");

        Assert.Equal(401, failed);
        Assert.Equal(200, scopes);
    }

    [Theory]
    [InlineData("/rucio-jupyterlab/auth?type=userpass", 400, "Missing Rucio instance")]
    [InlineData("/rucio-jupyterlab/auth?namespace=ghost&type=userpass", 404, "'ghost'")]
    [InlineData("/rucio-jupyterlab/auth?namespace=sandbox&type=kerberos", 400, "'kerberos'")]
    [InlineData("/rucio-jupyterlab/auth?namespace=sandbox&type=x509", 404, "Auth credentials not set")]
    public async Task GetAuthErrors(string path, int expectedStatus, string expectedText)
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));

        var (status, body) = await backend.GetAsync(path);

        Assert.Equal(expectedStatus, status);
        Assert.Contains(expectedText, (string?)body!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptionalGetAuthIsAnEmpty204WhenNothingIsSavedAndTheCredentialsOnceSaved()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));

        using var before = await backend.Http.GetAsync("/rucio-jupyterlab/auth?namespace=sandbox&type=userpass&optional=1");
        await backend.LoginAsync();
        var (after, saved) = await backend.GetAsync("/rucio-jupyterlab/auth?namespace=sandbox&type=userpass&optional=1");

        Assert.Equal(204, (int)before.StatusCode);
        Assert.Equal("", await before.Content.ReadAsStringAsync());
        Assert.Equal(200, after);
        Assert.True((bool)saved!["password_set"]!);
    }

    [Fact]
    public async Task MissingCertificateFileIsExplainedWithout500()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));

        var (status, body) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = "sandbox", type = "x509", @params = new { certificate = "/nonexistent/usercert.pem", key = "/nonexistent/userkey.pem" } });

        Assert.Equal(401, status);
        Assert.Contains("/nonexistent/usercert.pem", (string?)body!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingParametersAreA400()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));

        var (status, body) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = "sandbox", type = "userpass", @params = new { username = "ddmlab" } });

        Assert.Equal(400, status);
        Assert.Contains("password", (string?)body!["error"], StringComparison.Ordinal);
    }
}
