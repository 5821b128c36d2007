using System.Text.Json;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests.Transcripts;

/// <summary>
/// The rules client (rules, locks, analysis) and the RSEs client,
/// against real recorded exchanges: each request must match what the server saw (method, path, query, JSON
/// body) and the recorded response must parse into the expected values.
/// </summary>
public sealed class RulesAndRsesTranscriptTests
{
    private static readonly Did Dataset1 = new("user.root", "dataset1");

    [Fact]
    public async Task Rules_Add_SendsClientBodyAndParsesTextHtmlIdList()
    {
        IReadOnlyList<string>? ids = null;
        await TestClients.AssertMatchesTranscriptAsync("50_ext_add_rule_account_null", async c => ids = await c.Rules.AddAsync(new RuleCreateOptions
        {
            Dids = [new Did("user.root", "dataset2")],
            RseExpression = "LOCAL-RSE1|LOCAL-RSE2",
            Lifetime = TimeSpan.FromDays(1),
        }));
        Assert.Equal(["28d79fd8549c42ee8645ac891772a504"], ids);
    }

    [Fact]
    public async Task Rules_GetAndAnalyze()
    {
        ReplicationRule? rule = null;
        await TestClients.AssertMatchesTranscriptAsync("60e_get_deleted_rule", async c => rule = await c.Rules.GetAsync("9458391cd770420e8102d3a7b0610e6f"));
        Assert.Equal(RuleState.Ok, rule!.State);
        Assert.Equal(RuleGrouping.All, rule.Grouping);
        Assert.Equal(RuleNotification.No, rule.Notification);
        Assert.Equal(DidType.Container, rule.DidType);
        Assert.Equal(5, rule.LocksOkCount);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 19, 56, 11, TimeSpan.Zero), rule.ExpiresAt);
        Assert.Equal("updated", rule.Comments);

        RuleAnalysis? analysis = null;
        await TestClients.AssertMatchesTranscriptAsync("24_rule_analysis", async c => analysis = await c.Rules.AnalyzeAsync("4718baf2807b45aa9588337f7b31401d"));
        Assert.Equal("This replication rule is currently REPLICATING", analysis!.RuleError);
        Assert.Empty(analysis.Transfers);
    }

    [Fact]
    public async Task Rules_Listings()
    {
        List<ReplicationRule>? rules = null;
        await TestClients.AssertMatchesTranscriptAsync("22d_list_rules_all", async c => rules = await c.Rules.ListAsync().ToListAsync());
        Assert.True(rules!.Count >= 3);

        await TestClients.AssertMatchesTranscriptAsync("22e_list_rules_filter", async c => rules = await c.Rules.ListAsync(new RuleFilter { Scope = "user.root", Name = "dataset1" }).ToListAsync());
        Assert.Equal(Dataset1, Assert.Single(rules!).Did);

        await TestClients.AssertMatchesTranscriptAsync("22f_list_rules_state", async c => rules = await c.Rules.ListAsync(new RuleFilter { State = RuleState.Replicating }).ToListAsync());
        Assert.Single(rules!);

        await TestClients.AssertMatchesTranscriptAsync("22g_list_account_rules", async c => rules = await c.Rules.ListForAccountAsync("root").ToListAsync());
        Assert.All(rules!, r => Assert.Equal("root", r.Account));
    }

    [Fact]
    public async Task Rules_Locks()
    {
        List<ReplicaLock>? locks = null;
        await TestClients.AssertMatchesTranscriptAsync("23_rule_locks", async c => locks = await c.Rules.ListLocksAsync("4718baf2807b45aa9588337f7b31401d").ToListAsync());
        Assert.All(locks!, l => Assert.Equal(LockState.Replicating, l.State));
        Assert.Equal("LOCAL-RSE2", locks![0].Rse);

        List<DatasetLock>? datasetLocks = null;
        await TestClients.AssertMatchesTranscriptAsync("23b_locks_for_did_dataset", async c => datasetLocks = await c.Rules.ListDatasetLocksAsync(Dataset1).ToListAsync());
        Assert.Equal([LockState.Replicating, LockState.Ok], datasetLocks!.Select(l => l.State));
    }

    [Fact]
    public async Task Rules_UpdateAndDelete()
    {
        await TestClients.AssertMatchesTranscriptAsync(
            "27_update_rule_lifetime",
            c => c.Rules.UpdateAsync("9458391cd770420e8102d3a7b0610e6f", new RuleUpdateOptions { Lifetime = TimeSpan.FromHours(2), Comment = "updated" }));
        await TestClients.AssertMatchesTranscriptAsync("60d_delete_rule", c => c.Rules.DeleteAsync("9458391cd770420e8102d3a7b0610e6f"));
    }

    [Fact]
    public async Task Rses_ListGetAttributesProtocolsUsage()
    {
        List<RseInfo>? rses = null;
        await TestClients.AssertMatchesTranscriptAsync("04d_list_rses", async c => rses = await c.Rses.ListAsync().ToListAsync());
        Assert.Equal("XX", rses![0].CountryName);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 18, 51, 31, TimeSpan.Zero), rses[0].CreatedAt);

        await TestClients.AssertMatchesTranscriptAsync("04e_list_rses_expression", async c => rses = await c.Rses.ListAsync("type=SCRATCHDISK&tier=2").ToListAsync());
        Assert.Equal(["LOCAL-RSE1", "LOCAL-RSE2"], rses!.Select(r => r.Rse));

        RseSettings? settings = null;
        await TestClients.AssertMatchesTranscriptAsync("04c_get_rse", async c => settings = await c.Rses.GetAsync("LOCAL-RSE1"));
        var protocol = Assert.Single(settings!.Protocols);
        Assert.Equal("/srv/rucio/rse1/", protocol.Prefix);
        Assert.Equal(1, protocol.Domains!["wan"]["third_party_copy_read"]);
        Assert.Equal("hash", settings.Lfn2PfnAlgorithm);

        IReadOnlyDictionary<string, JsonElement>? attributes = null;
        await TestClients.AssertMatchesTranscriptAsync("06b_list_rse_attrs", async c => attributes = await c.Rses.GetAttributesAsync("LOCAL-RSE1"));
        Assert.Equal("2", attributes!["tier"].GetString());
        Assert.True(attributes["LOCAL-RSE1"].GetBoolean());

        IReadOnlyList<RseProtocol>? protocols = null;
        await TestClients.AssertMatchesTranscriptAsync("05b_get_protocols", async c => protocols = await c.Rses.ListProtocolsAsync("LOCAL-RSE1"));
        Assert.Equal("file", Assert.Single(protocols!).Scheme);

        List<RseUsage>? usage = null;
        await TestClients.AssertMatchesTranscriptAsync("70c_rse_usage_after_abacus", async c => usage = await c.Rses.ListUsageAsync("LOCAL-RSE1").ToListAsync());
        Assert.Equal(10005, Assert.Single(usage!).Used);
    }
}
