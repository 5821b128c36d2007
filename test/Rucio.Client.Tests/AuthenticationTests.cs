using System.Net;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

public sealed class AuthenticationTests
{
    private static readonly Transcript Account = Transcript.Load("02b_account_root");

    [Fact]
    public async Task UserPass_SendsIdentityHeadersToAuth_AndOnlyTheTokenToData()
    {
        var transport = TestClients.Transport(_ => Account.ToResponse());
        var options = TestClients.Options();
        options.Vo = "atl";
        options.AppId = "jupyterlab";
        using var client = new RucioClient(options, transport);

        await client.Accounts.GetAsync("root");

        var auth = Assert.Single(transport.AuthRequests);
        Assert.Equal("/auth/userpass", auth.Path);
        Assert.Equal("root", auth.Header("X-Rucio-Account"));
        Assert.Equal("ddmlab", auth.Header("X-Rucio-Username"));
        Assert.Equal("secret", auth.Header("X-Rucio-Password"));
        Assert.Equal("atl", auth.Header("X-Rucio-VO"));
        Assert.Equal("jupyterlab", auth.Header("X-Rucio-AppID"));

        var data = Assert.Single(transport.DataRequests);
        Assert.Equal(Responses.Token, data.Header("X-Rucio-Auth-Token"));
        Assert.Equal("atl", data.Header("X-Rucio-VO"));
        Assert.Equal("jupyterlab", data.Header("X-Rucio-AppID"));
        Assert.Null(data.Header("X-Rucio-Password"));
        Assert.Null(data.Header("X-Rucio-Username"));
    }

    [Fact]
    public async Task Token_IsParsedFromRealHeaders_AndReused()
    {
        var authTranscript = Transcript.Load("auth_userpass");
        var transport = new FakeTransport(r => r.IsAuth ? authTranscript.ToResponse() : Account.ToResponse());
        var clock = TestClients.Clock();
        using var client = new RucioClient(TestClients.Options(time: clock), transport);

        for (var i = 0; i < 3; i++)
        {
            await client.Accounts.GetAsync("root");
        }

        var token = await client.Auth.GetTokenAsync();
        Assert.Single(transport.AuthRequests);
        Assert.Equal("root-ddmlab-unknown-c32bd27467e54284b9a3b4eaf2029fca", token.Value);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 19, 51, 31, TimeSpan.Zero), token.ExpiresAt);
        Assert.Equal("root", token.Account);
    }

    [Fact]
    public async Task Token_IsRenewedBeforeExpiry()
    {
        var clock = TestClients.Clock();
        var transport = TestClients.Transport(_ => Account.ToResponse(), clock);
        using var client = new RucioClient(TestClients.Options(time: clock), transport);

        await client.Accounts.GetAsync("root");
        clock.Advance(TimeSpan.FromMinutes(54));
        await client.Accounts.GetAsync("root");
        Assert.Single(transport.AuthRequests);

        clock.Advance(TimeSpan.FromMinutes(2)); // 56 min: inside the 5-minute renewal window
        await client.Accounts.GetAsync("root");
        Assert.Equal(2, transport.AuthRequests.Count);
    }

    [Fact]
    public async Task Rejected401_RenewsOnce_AndReplaysWithTheNewToken()
    {
        var tokens = new Queue<string>(["token-A", "token-B"]);
        var transport = new FakeTransport(r =>
        {
            if (r.IsAuth)
            {
                return Responses.AuthToken(tokens.Dequeue(), DateTimeOffset.UtcNow.AddHours(1));
            }

            return r.Header("X-Rucio-Auth-Token") == "token-A" ? Responses.CannotAuthenticate() : Account.ToResponse();
        });
        using var client = new RucioClient(TestClients.Options(), transport);

        var account = await client.Accounts.GetAsync("root");

        Assert.Equal("root", account.Account);
        Assert.Equal(2, transport.AuthRequests.Count);
        Assert.Equal(["token-A", "token-B"], transport.DataRequests.Select(r => r.Header("X-Rucio-Auth-Token")));
    }

    [Fact]
    public async Task Repeated401_DoesNotLoop()
    {
        var transport = TestClients.Transport(_ => Responses.CannotAuthenticate());
        using var client = new RucioClient(TestClients.Options(), transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));

        Assert.Equal(401, error.Status);
        Assert.Equal("CannotAuthenticate", error.ErrorCode);
        Assert.Equal(2, transport.DataRequests.Count);
        Assert.Equal(2, transport.AuthRequests.Count);
    }

    [Fact]
    public async Task AccessDenied401_IsNotATokenProblem()
    {
        var transport = TestClients.Transport(_ => Responses.Error(HttpStatusCode.Unauthorized, "AccessDenied", "Account root cannot do that"));
        using var client = new RucioClient(TestClients.Options(), transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Rules.DeleteAsync("abc"));

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Single(transport.DataRequests);
        Assert.Single(transport.AuthRequests);
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneAuthentication()
    {
        var authCalls = 0;
        var transport = new FakeTransport(async (r, ct) =>
        {
            if (r.IsAuth)
            {
                Interlocked.Increment(ref authCalls);
                await Task.Delay(50, ct); // keep the renewal in flight while the others arrive
                return Responses.AuthToken(Responses.Token, DateTimeOffset.UtcNow.AddHours(1));
            }

            return Account.ToResponse();
        });
        using var client = new RucioClient(TestClients.Options(), transport);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.Accounts.GetAsync("root")));

        Assert.Equal(1, authCalls);
        Assert.Equal(20, transport.DataRequests.Count);
    }

    [Fact]
    public async Task Concurrent401s_ShareOneRenewal()
    {
        var tokens = new Queue<string>(["stale", "fresh-1", "fresh-2"]);
        var gate = new object();
        var transport = new FakeTransport(async (r, ct) =>
        {
            if (r.IsAuth)
            {
                await Task.Delay(20, ct);
                lock (gate)
                {
                    return Responses.AuthToken(tokens.Dequeue(), DateTimeOffset.UtcNow.AddHours(1));
                }
            }

            return r.Header("X-Rucio-Auth-Token") == "stale" ? Responses.CannotAuthenticate() : Account.ToResponse();
        });
        using var client = new RucioClient(TestClients.Options(), transport);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.Accounts.GetAsync("root")));

        Assert.Equal(2, transport.AuthRequests.Count);
    }

    [Fact]
    public async Task AuthenticateAsync_ForcesAFreshToken()
    {
        var counter = 0;
        var transport = new FakeTransport(r => r.IsAuth
            ? Responses.AuthToken($"token-{Interlocked.Increment(ref counter)}", DateTimeOffset.UtcNow.AddHours(1))
            : Account.ToResponse());
        using var client = new RucioClient(TestClients.Options(), transport);

        var first = await client.Auth.AuthenticateAsync();
        var second = await client.Auth.AuthenticateAsync();
        await client.Accounts.GetAsync("root");

        Assert.Equal("token-1", first.Value);
        Assert.Equal("token-2", second.Value);
        Assert.Equal("token-2", Assert.Single(transport.DataRequests).Header("X-Rucio-Auth-Token"));
    }

    [Fact]
    public async Task WrongPassword_GivesIdentityNotFound_WithoutLeakingThePassword()
    {
        var transcript = Transcript.Load("01b_auth_userpass_badpassword");
        var transport = new FakeTransport(_ => transcript.ToResponse());
        using var client = new RucioClient(TestClients.Options(RucioCredential.UserPass("ddmlab", "wrong-password-xyz")), transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));

        Assert.Equal("IdentityNotFound", error.ErrorCode);
        Assert.Equal(401, error.Status);
        Assert.DoesNotContain("wrong-password-xyz", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(transport.DataRequests);
    }

    [Fact]
    public async Task MissingExpiryHeader_AssumesOneHour()
    {
        var clock = TestClients.Clock();
        var transport = new FakeTransport(r =>
        {
            if (!r.IsAuth)
            {
                return Account.ToResponse();
            }

            var response = Responses.Text("", "application/octet-stream");
            response.Headers.TryAddWithoutValidation("X-Rucio-Auth-Token", "t");
            return response;
        });
        using var client = new RucioClient(TestClients.Options(time: clock), transport);

        var token = await client.Auth.AuthenticateAsync();

        Assert.Equal(clock.GetUtcNow().AddHours(1), token.ExpiresAt);
        Assert.Equal("root", token.Account);
    }

    [Fact]
    public async Task Validate_UsesTheAuthServerAndParsesPythonRepr()
    {
        var transcript = Transcript.Load("01d_auth_validate");
        var authResponses = new FakeTransport(r => r.Path == "/auth/validate" ? transcript.ToResponse()
            : Responses.AuthToken(Responses.Token, DateTimeOffset.UtcNow.AddHours(1)));
        using var client = new RucioClient(TestClients.Options(), authResponses);

        var validation = await client.Auth.ValidateAsync();

        Assert.Equal("root", validation.Account);
        var request = authResponses.Requests.Single(r => r.Path == "/auth/validate");
        Assert.Equal(Responses.Token, request.Header("X-Rucio-Auth-Token"));
    }

    [Fact]
    public async Task X509_AuthenticatesAgainstAuthX509_WithAccountHeader()
    {
        using var pki = new TestPki();
        var transport = TestClients.Transport(_ => Account.ToResponse());
        using var client = new RucioClient(TestClients.Options(RucioCredential.X509(pki.UserCertificatePath, pki.UserKeyPath)), transport);

        await client.Accounts.GetAsync("root");

        var auth = Assert.Single(transport.AuthRequests);
        Assert.Equal("/auth/x509", auth.Path);
        Assert.Equal("root", auth.Header("X-Rucio-Account"));
        Assert.Equal(Responses.Token, Assert.Single(transport.DataRequests).Header("X-Rucio-Auth-Token"));
    }
}
