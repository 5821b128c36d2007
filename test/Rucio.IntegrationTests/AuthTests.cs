using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Rucio.Client;

namespace Rucio.IntegrationTests;

/// <summary>Token lifetimes and renewal against a Sandbox whose tokens live two seconds.</summary>
public sealed class AuthTests : IAsyncLifetime
{
    private SandboxServer _server = null!;

    public async Task InitializeAsync() => _server = await SandboxServer.StartAsync("--token-lifetime", "2");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_token_is_reused_until_shortly_before_expiry_then_renewed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var counter = new AuthCallCounter { InnerHandler = new SocketsHttpHandler() };
        using var client = _server.CreateClient(
            configure: o =>
            {
                o.TimeProvider = clock;
                o.RenewBeforeExpiry = TimeSpan.FromSeconds(1);
            },
            transport: counter);

        await client.Accounts.WhoAmIAsync();
        await client.Scopes.ListAsync();
        Assert.Equal(1, counter.AuthCalls);

        // Past the token's expiry minus the renewal margin, the next call authenticates again before using it.
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("root", (await client.Accounts.WhoAmIAsync()).Account);
        Assert.Equal(2, counter.AuthCalls);
    }

    [Fact]
    public async Task A_token_the_server_no_longer_accepts_is_renewed_once_on_401()
    {
        // The client's clock stands still, so it believes its token is valid; only the server's 401 can tell it otherwise.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = _server.CreateClient(configure: o =>
        {
            o.TimeProvider = clock;
            o.RenewBeforeExpiry = TimeSpan.Zero;
        });
        var stale = await client.Auth.GetTokenAsync();
        await WaitUntilServerRejects(stale.Value);

        var me = await client.Accounts.WhoAmIAsync();

        Assert.Equal("root", me.Account);
        Assert.NotEqual(stale.Value, (await client.Auth.GetTokenAsync()).Value);
    }

    [Fact]
    public async Task An_oidc_token_file_is_read_at_use_time()
    {
        var tokenFile = Path.Combine(_server.DataDir, "oidc-token");
        await File.WriteAllTextAsync(tokenFile, await IssueJwtAsync());
        using var client = new RucioClient(new RucioClientOptions
        {
            BaseUri = _server.Url,
            Credential = RucioCredential.OidcTokenFromFile(tokenFile),
            RenewBeforeExpiry = TimeSpan.Zero,
        });

        Assert.Equal("root", (await client.Accounts.WhoAmIAsync()).Account);

        // The hub rewrites the file with a token from another issuer: the next call must use it, and fail.
        await File.WriteAllTextAsync(tokenFile, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiZXhwIjo0MTAyNDQ0ODAwfQ.");
        var rejected = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.WhoAmIAsync());
        Assert.Equal(401, rejected.Status);

        await File.WriteAllTextAsync(tokenFile, await IssueJwtAsync());
        Assert.Equal("root", (await client.Accounts.WhoAmIAsync()).Account);
    }

    [Fact]
    public async Task An_expired_oidc_token_fails_clearly_without_calling_the_server()
    {
        var jwt = await IssueJwtAsync();
        var expiry = JwtExpiry(jwt);
        using var client = new RucioClient(new RucioClientOptions
        {
            BaseUri = _server.Url,
            Credential = RucioCredential.OidcToken(jwt),
            TimeProvider = new FakeTimeProvider(expiry.AddSeconds(1)),
        });

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.WhoAmIAsync());

        Assert.Equal(RucioException.TokenExpiredCode, error.ErrorCode);
        Assert.DoesNotContain(jwt, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Counts the authentication requests that go through the transport.</summary>
    private sealed class AuthCallCounter : DelegatingHandler
    {
        private int _authCalls;

        public int AuthCalls => Volatile.Read(ref _authCalls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.StartsWith("/auth/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _authCalls);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private async Task<string> IssueJwtAsync()
    {
        using var http = new HttpClient { BaseAddress = _server.Url };
        using var response = await http.PostAsync("oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = "ddmlab",
            ["password"] = "secret",
            ["scope"] = "openid profile",
            ["audience"] = "rucio",
        }));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    private static DateTimeOffset JwtExpiry(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var claims = JsonDocument.Parse(Convert.FromBase64String(payload));
        return DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("exp").GetInt64());
    }

    private async Task WaitUntilServerRejects(string token)
    {
        using var http = new HttpClient { BaseAddress = _server.Url };
        await Eventually.WaitAsync(
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "scopes/");
                request.Headers.Add("X-Rucio-Auth-Token", token);
                using var response = await http.SendAsync(request);
                return response.StatusCode;
            },
            status => status == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(15),
            "token expiry on the server");
    }
}
