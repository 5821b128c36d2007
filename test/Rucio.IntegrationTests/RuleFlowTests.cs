using Rucio.Client;

namespace Rucio.IntegrationTests;

/// <summary>Replication rules against the Sandbox's transfer worker: files really move between RSE directories.</summary>
public sealed class RuleFlowTests(DemoSandboxFixture sandbox) : IClassFixture<DemoSandboxFixture>
{
    [Fact]
    public async Task A_rule_replicates_a_remote_dataset_onto_the_mounted_rse_and_becomes_ok()
    {
        using var client = sandbox.Server.CreateClient();
        var dataset = Did.Parse("opendata:higgs_4lepton_2012");

        var ids = await client.Rules.AddAsync(new RuleCreateOptions { Dids = [dataset], RseExpression = "CERN-EOS", Lifetime = TimeSpan.FromDays(1) });
        var ruleId = Assert.Single(ids);

        var created = await client.Rules.GetAsync(ruleId);
        Assert.Equal("root", created.Account);
        Assert.NotNull(created.ExpiresAt);
        var done = await Eventually.WaitAsync(() => client.Rules.GetAsync(ruleId), r => r.State == RuleState.Ok, TimeSpan.FromSeconds(60), "rule OK");
        Assert.Equal(0, done.LocksReplicatingCount);
        Assert.Equal(0, done.LocksStuckCount);

        var files = await client.Dids.ListFilesAsync(dataset).ToListAsync();
        Assert.Equal(files.Count, done.LocksOkCount);
        var locks = await client.Rules.ListLocksAsync(ruleId).ToListAsync();
        Assert.All(locks, l => Assert.Equal(LockState.Ok, l.State));
        var onMount = await client.Replicas.ListAsync(new ReplicaListRequest { Dids = [dataset], RseExpression = "CERN-EOS", Schemes = ["file"] }).ToListAsync();
        Assert.Equal(files.Count, onMount.Count);
        foreach (var replica in onMount)
        {
            var path = Pfn.LocalPath(replica.Rses["CERN-EOS"][0]);
            Assert.Equal(replica.Adler32, Adler32.OfFile(path));
        }
    }

    [Fact]
    public async Task The_same_rule_twice_is_a_DuplicateRule_conflict()
    {
        using var client = sandbox.Server.CreateClient();
        var options = new RuleCreateOptions { Dids = [Did.Parse("opendata:calibration_2012")], RseExpression = "SCRATCH-DISK" };

        await client.Rules.AddAsync(options);
        var error = await Assert.ThrowsAsync<RucioException>(() => client.Rules.AddAsync(options));

        Assert.Equal(409, error.Status);
        Assert.Equal("DuplicateRule", error.ErrorCode);
    }

    [Fact]
    public async Task A_rule_over_the_accounts_quota_is_refused_with_InsufficientAccountLimit()
    {
        using var jdoe = sandbox.Server.CreateClient(username: "jdoe", password: "jdoe-secret", account: "jdoe");

        var error = await Assert.ThrowsAsync<RucioException>(() => jdoe.Rules.AddAsync(new RuleCreateOptions
        {
            Dids = [Did.Parse("opendata:higgs_4lepton_2012")],
            RseExpression = "CERN-EOS",
        }));

        Assert.Equal("InsufficientAccountLimit", error.ErrorCode);
        Assert.InRange(error.Status, 400, 499);
    }

    [Fact]
    public async Task Rules_of_a_did_and_of_an_account_list_the_new_rule()
    {
        using var client = sandbox.Server.CreateClient();
        var dataset = Did.Parse("user.root:analysis_inputs");

        // The demo already keeps this dataset on SCRATCH-DISK; a rule to the mounted RSE is a new one.
        var ruleId = Assert.Single(await client.Rules.AddAsync(new RuleCreateOptions { Dids = [dataset], RseExpression = "CERN-EOS" }));

        Assert.Contains(await client.Dids.ListRulesAsync(dataset).ToListAsync(), r => r.Id == ruleId);
        Assert.Contains(await client.Rules.ListForAccountAsync("root").ToListAsync(), r => r.Id == ruleId);
    }
}
