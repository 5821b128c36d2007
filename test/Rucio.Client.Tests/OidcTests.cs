using System.Text;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

public sealed class OidcTests : IDisposable
{
    private static readonly Transcript Account = Transcript.Load("02b_account_root");
    private readonly string _directory = Directory.CreateTempSubdirectory("rucio-oidc-").FullName;

    private static string Jwt(DateTimeOffset expiresAt, string subject = "jane")
    {
        static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Encode("""{"alg":"RS256","typ":"JWT"}""")}.{Encode($$"""{"sub":"{{subject}}","exp":{{expiresAt.ToUnixTimeSeconds()}}}""")}.c2lnbmF0dXJl";
    }

    private static FakeTransport DataOnly() => new(r => r.IsAuth ? throw new InvalidOperationException("OIDC must not call /auth") : Account.ToResponse());

    [Fact]
    public async Task StaticToken_IsSentAsRucioToken_WithExpiryFromJwt()
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var jwt = Jwt(expires);
        var transport = DataOnly();
        using var client = new RucioClient(TestClients.Options(RucioCredential.OidcToken(jwt)), transport);

        await client.Accounts.GetAsync("root");
        var token = await client.Auth.GetTokenAsync();

        Assert.Equal(jwt, Assert.Single(transport.Requests).Header("X-Rucio-Auth-Token"));
        Assert.Equal(expires.ToUnixTimeSeconds(), token.ExpiresAt.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task ExpiredToken_FailsWithTokenExpired_WithoutNetwork()
    {
        var transport = DataOnly();
        using var client = new RucioClient(TestClients.Options(RucioCredential.OidcToken(Jwt(DateTimeOffset.UtcNow.AddMinutes(-1)))), transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));

        Assert.Equal(RucioException.TokenExpiredCode, error.ErrorCode);
        Assert.Contains("fresh token", error.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task EnvironmentToken_IsReReadAtEachCall()
    {
        var variable = "RUCIO_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        var first = Jwt(DateTimeOffset.UtcNow.AddHours(1), "first");
        var second = Jwt(DateTimeOffset.UtcNow.AddHours(1), "second");
        var transport = DataOnly();
        using var client = new RucioClient(TestClients.Options(RucioCredential.OidcTokenFromEnvironment(variable)), transport);
        try
        {
            Environment.SetEnvironmentVariable(variable, first);
            await client.Accounts.GetAsync("root");
            Environment.SetEnvironmentVariable(variable, second + "\n");
            await client.Accounts.GetAsync("root");

            Environment.SetEnvironmentVariable(variable, null);
            var missing = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));
            Assert.Equal(RucioException.InvalidCredentialCode, missing.ErrorCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        Assert.Equal([first, second], transport.Requests.Select(r => r.Header("X-Rucio-Auth-Token")));
    }

    [Fact]
    public async Task FileToken_RewrittenFile_IsPickedUp()
    {
        var path = Path.Combine(_directory, "access_token");
        var first = Jwt(DateTimeOffset.UtcNow.AddHours(1), "first");
        var second = Jwt(DateTimeOffset.UtcNow.AddHours(2), "second");
        File.WriteAllText(path, first + "\n");
        var transport = DataOnly();
        using var client = new RucioClient(TestClients.Options(RucioCredential.OidcTokenFromFile(path)), transport);

        await client.Accounts.GetAsync("root");
        await client.Accounts.GetAsync("root");
        File.WriteAllText(path, second);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5)); // as JupyterHub's refresh would move it
        await client.Accounts.GetAsync("root");

        Assert.Equal([first, first, second], transport.Requests.Select(r => r.Header("X-Rucio-Auth-Token")));
    }

    [Fact]
    public async Task FileToken_On401_IsReReadEvenWithoutVisibleChange_AndNotReplayedWhenUnchanged()
    {
        var path = Path.Combine(_directory, "token");
        var jwt = Jwt(DateTimeOffset.UtcNow.AddHours(1));
        File.WriteAllText(path, jwt);
        var transport = new FakeTransport(_ => Responses.CannotAuthenticate());
        using var client = new RucioClient(TestClients.Options(RucioCredential.OidcTokenFromFile(path)), transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));

        Assert.Equal("CannotAuthenticate", error.ErrorCode);
        Assert.Single(transport.Requests); // same token after re-reading: replaying would be pointless
    }

    [Fact]
    public async Task MissingFile_IsInvalidCredential()
    {
        using var client = new RucioClient(TestClients.Options(RucioCredential.OidcTokenFromFile(Path.Combine(_directory, "none"))), DataOnly());
        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));
        Assert.Equal(RucioException.InvalidCredentialCode, error.ErrorCode);
    }

    [Fact]
    public async Task OpaqueToken_WithoutExp_IsUsedUntilRejected()
    {
        var transport = DataOnly();
        using var client = new RucioClient(TestClients.Options(RucioCredential.OidcToken("opaque-token")), transport);
        await client.Accounts.GetAsync("root");
        Assert.Equal(DateTimeOffset.MaxValue, (await client.Auth.GetTokenAsync()).ExpiresAt);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
