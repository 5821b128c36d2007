using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests.Transcripts;

/// <summary>
/// Ping, accounts and scopes,
/// against real recorded exchanges: each request must match what the server saw (method, path, query, JSON
/// body) and the recorded response must parse into the expected values.
/// </summary>
public sealed class AccountsAndScopesTranscriptTests
{
    [Fact]
    public async Task Ping_ReturnsVersion_WithoutAuthenticating()
    {
        var transcript = Transcript.Load("00_ping");
        var (client, transport) = TestClients.ForTranscript(transcript);
        using (client)
        {
            Assert.Equal("1.31.7", await client.PingAsync());
        }

        var request = Assert.Single(transport.Requests);
        Assert.Equal("/ping", request.Path);
        Assert.Null(request.Header("X-Rucio-Auth-Token"));
    }

    [Fact]
    public async Task Accounts_Get_ParsesIsoDates()
    {
        RucioAccount? account = null;
        await TestClients.AssertMatchesTranscriptAsync("02b_account_root", async c => account = await c.Accounts.GetAsync("root"));
        Assert.Equal("root", account!.Account);
        Assert.Equal("SERVICE", account.AccountType);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 18, 50, 34, TimeSpan.Zero), account.CreatedAt);
        Assert.Null(account.SuspendedAt);
    }

    [Fact]
    public async Task Accounts_LocalLimits()
    {
        IReadOnlyDictionary<string, long?>? limits = null;
        await TestClients.AssertMatchesTranscriptAsync("07b_get_local_account_limits", async c => limits = await c.Accounts.GetLocalLimitsAsync("root"));
        Assert.Equal(1000000000000, limits!["LOCAL-RSE2"]);

        long? limit = null;
        await TestClients.AssertMatchesTranscriptAsync("07c_get_local_account_limit_rse", async c => limit = await c.Accounts.GetLocalLimitAsync("root", "LOCAL-RSE1"));
        Assert.Equal(1000000000000, limit);
    }

    [Fact]
    public async Task Accounts_UsageAndIdentities()
    {
        List<AccountUsage>? usage = null;
        await TestClients.AssertMatchesTranscriptAsync("70_account_usage_after_abacus", async c => usage = await c.Accounts.ListLocalUsageAsync("root").ToListAsync());
        Assert.Equal(["LOCAL-RSE1", "LOCAL-RSE2"], usage!.Select(u => u.Rse));
        Assert.Equal(27015, usage![0].Bytes);
        Assert.Equal(999999972985d, usage[0].BytesRemaining);

        List<AccountIdentity>? identities = null;
        var request = await TestClients.AssertMatchesTranscriptAsync("02g_list_identities_jdoe", async c => identities = await c.Accounts.ListIdentitiesAsync("jdoe").ToListAsync());
        Assert.Equal("application/x-json-stream", request.Header("Accept"));
        Assert.Equal("jdoe@example.org", Assert.Single(identities!).Email);
    }

    [Fact]
    public async Task Scopes_ListAndListForAccount()
    {
        IReadOnlyList<string>? scopes = null;
        var request = await TestClients.AssertMatchesTranscriptAsync("03e_list_scopes", async c => scopes = await c.Scopes.ListAsync());
        Assert.Equal(["user.root", "test", "user.jdoe"], scopes);
        Assert.Equal("application/json", request.Header("Accept"));

        await TestClients.AssertMatchesTranscriptAsync("03f_list_account_scopes", async c => scopes = await c.Scopes.ListForAccountAsync("root"));
        Assert.Equal(["user.root", "test"], scopes);
    }
}
