using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

/// <summary>
/// Operator-provided OIDC (the ESCAPE/VRE setup): the token comes from an environment variable or a file, is read at
/// use time, and counts as credentials without the user pressing anything. Each test uses its own variable name
/// because the process environment is shared by parallel tests.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class OidcApiTests(SandboxFixture sandbox)
{
    private static string UniqueVariable() => "RJL_TEST_TOKEN_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private string OidcConfig(string variable) => BackendHost.SandboxConfig(
        sandbox.DirectUri,
        extraInstanceKeys: $", \"oidc_auth\": \"env\", \"oidc_env_name\": \"{variable}\"",
        extraGlobals: ", \"default_instance\": \"sandbox\", \"default_auth_type\": \"oidc\"");

    [Fact]
    public async Task OperatorTokenInTheEnvironmentPassesTheCredentialGateWithoutAnyUserAction()
    {
        var variable = UniqueVariable();
        var token = await sandbox.IssueOidcTokenAsync();
        Environment.SetEnvironmentVariable(variable, token);
        try
        {
            await using var backend = await BackendHost.StartAsync(OidcConfig(variable));

            var (instancesStatus, instances) = await backend.GetAsync("/rucio-jupyterlab/instances");
            var (scopesStatus, scopes) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");
            var (checkStatus, check) = await backend.GetAsync("/rucio-jupyterlab/oidc-auth-check?namespace=sandbox");
            var (authStatus, auth) = await backend.GetAsync("/rucio-jupyterlab/auth?namespace=sandbox&type=oidc");

            Assert.Equal(200, instancesStatus);
            Assert.True((bool)instances!["instances"]![0]!["oidc_enabled"]!);
            Assert.Equal(200, scopesStatus);
            Assert.Contains("opendata", scopes!["scopes"]!.AsArray().Select(s => (string?)s));
            Assert.Equal(200, checkStatus);
            Assert.Equal("env", (string?)check!["oidc_auth"]);
            Assert.Equal(variable, (string?)check["oidc_auth_source"]);
            Assert.True((long)check["expires"]! > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.Equal(200, authStatus);
            Assert.Equal(variable, (string?)auth!["oidc_auth_source"]);
            Assert.DoesNotContain(token, auth.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain(token, backend.Logs.AllText, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task MissingTokenIsAClear401AndTheCheckSaysExpiredOrInvalid()
    {
        await using var backend = await BackendHost.StartAsync(OidcConfig(UniqueVariable()));

        var (scopesStatus, scopes) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");
        var (checkStatus, check) = await backend.GetAsync("/rucio-jupyterlab/oidc-auth-check?namespace=sandbox");

        Assert.Equal(401, scopesStatus);
        Assert.Contains("cannot be used", (string?)scopes!["error"], StringComparison.Ordinal);
        Assert.Equal(403, checkStatus);
        Assert.Contains("expired or invalid", (string?)check!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredTokenSaysWhatToDo()
    {
        var variable = UniqueVariable();
        // A syntactically valid JWT whose exp is long past; the client refuses it before calling Rucio.
        var payload = Convert.ToBase64String("{\"exp\":1000000000,\"sub\":\"ddmlab\"}"u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Environment.SetEnvironmentVariable(variable, $"eyJhbGciOiJub25lIn0.{payload}.sig");
        try
        {
            await using var backend = await BackendHost.StartAsync(OidcConfig(variable));

            var (status, body) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");

            Assert.Equal(401, status);
            Assert.Contains("has expired", (string?)body!["error"], StringComparison.Ordinal);
            Assert.Contains("Log in to JupyterHub again", (string?)body["error"], StringComparison.Ordinal);
            Assert.Equal("TokenExpired", (string?)body["exception_class"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task TokenFileRefreshedInPlaceKeepsWorkingAndPutAuthReportsTheLifetime()
    {
        using var directory = new TempDirectory();
        var tokenFile = directory.WriteFile("oauth.token", await sandbox.IssueOidcTokenAsync());
        var config = BackendHost.SandboxConfig(
            sandbox.DirectUri,
            extraInstanceKeys: $", \"oidc_auth\": \"file\", \"oidc_file_name\": \"{tokenFile}\"",
            extraGlobals: ", \"default_auth_type\": \"oidc\"");
        await using var backend = await BackendHost.StartAsync(config);

        var (putStatus, put) = await backend.SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth", new { @namespace = "sandbox", type = "oidc", @params = new { } });
        var (first, _) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");
        // JupyterHub rewrites the file with a fresh token; the backend picks it up without a restart.
        await File.WriteAllTextAsync(tokenFile, await sandbox.IssueOidcTokenAsync());
        var (second, _) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");

        Assert.Equal(200, putStatus);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", (string?)put!["lifetime"]);
        Assert.Equal(200, first);
        Assert.Equal(200, second);
    }
}
