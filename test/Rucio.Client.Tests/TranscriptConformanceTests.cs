using System.Text.Json;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

/// <summary>
/// Every area method against a real recorded exchange: the request must match what the server saw (method, path,
/// query, JSON body) and the recorded response must parse into the expected values.
/// </summary>
public sealed class TranscriptConformanceTests
{
    private static readonly Did Dataset1 = new("user.root", "dataset1");

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

    [Fact]
    public async Task Dids_SearchLong_ParsesPythonEnumDidTypes()
    {
        List<DidSearchResult>? results = null;
        await TestClients.AssertMatchesTranscriptAsync(
            "14c_search_dids_all_long",
            async c => results = await c.Dids.SearchAsync("user.root", new DidSearchOptions { NamePattern = "*" }).ToListAsync());
        Assert.Equal(7, results!.Count);
        Assert.Equal(DidType.Container, results[0].Type);
        Assert.Equal(DidType.File, results[3].Type);
        Assert.Equal(1000, results[3].Bytes);
        Assert.Equal(new Did("user.root", "dataset1"), results[1].Did);
    }

    [Fact]
    public async Task Dids_SearchWithFilters_RendersPythonLiteral()
    {
        var options = new DidSearchOptions
        {
            Type = DidSearchType.File,
            NamePattern = "*",
            Filters = [new Dictionary<string, DidFilter> { ["name"] = DidFilter.Equal("file*"), ["bytes"] = DidFilter.GreaterThanOrEqual(2000) }],
        };
        List<DidSearchResult>? results = null;
        await TestClients.AssertMatchesTranscriptAsync("43e_ext_search_did_filters_bytes", async c => results = await c.Dids.SearchAsync("user.root", options).ToListAsync());
        Assert.Equal(["file2.dat", "file3.dat", "file4.dat"], results!.Select(r => r.Name));
    }

    [Fact]
    public async Task Dids_SearchShort_ParsesBareNames()
    {
        var transcript = Transcript.Load("14d_search_dids_client_style");
        var (client, transport) = TestClients.ForTranscript(transcript);
        List<DidSearchResult> results;
        using (client)
        {
            var options = new DidSearchOptions
            {
                Type = DidSearchType.Dataset,
                Long = false,
                Filters = [new Dictionary<string, DidFilter> { ["name"] = DidFilter.Equal("data*") }],
            };
            results = await client.Dids.SearchAsync("user.root", options).ToListAsync();
        }

        var query = Assert.Single(transport.DataRequests).Query;
        Assert.Equal(transcript.Query["filters"], query["filters"]);
        Assert.Equal("dataset", query["type"]);
        Assert.False(query.ContainsKey("long"));
        Assert.Equal([new Did("user.root", "dataset1"), new Did("user.root", "dataset2")], results.Select(r => r.Did));
        Assert.All(results, r => Assert.Null(r.Type));
    }

    [Fact]
    public async Task Dids_GetDetails()
    {
        DidDetails? details = null;
        await TestClients.AssertMatchesTranscriptAsync("15_get_did_dataset", async c => details = await c.Dids.GetAsync(Dataset1));
        Assert.Equal(DidType.Dataset, details!.Type);
        Assert.True(details.Open);

        await TestClients.AssertMatchesTranscriptAsync("15c_get_did_dynamic", async c => details = await c.Dids.GetAsync(new Did("user.root", "container1"), DidType.File));
        Assert.Equal(3005, details!.Bytes);
        Assert.Equal(3, details.Length);

        await TestClients.AssertMatchesTranscriptAsync("15b_get_did_file", async c => details = await c.Dids.GetAsync(new Did("user.root", "file1.dat")));
        Assert.Equal(DidType.File, details!.Type);
        Assert.Equal("86cbed72", details.Adler32);
    }

    [Fact]
    public async Task Dids_Metadata()
    {
        IReadOnlyDictionary<string, JsonElement>? meta = null;
        await TestClients.AssertMatchesTranscriptAsync("15e_get_meta", async c => meta = await c.Dids.GetMetadataAsync(Dataset1));
        Assert.Equal("user", meta!["project"].GetString());
        Assert.Equal(JsonValueKind.Null, meta["datatype"].ValueKind);

        await TestClients.AssertMatchesTranscriptAsync("15g_set_meta", c => c.Dids.SetMetadataAsync(Dataset1, "project", "demo2"));
    }

    [Fact]
    public async Task Dids_FilesContentParents()
    {
        List<DidFile>? files = null;
        await TestClients.AssertMatchesTranscriptAsync("16_list_files_dataset", async c => files = await c.Dids.ListFilesAsync(Dataset1).ToListAsync());
        Assert.Equal("E94F618D07CB4F44AE438CA38F604C67", files![0].Guid);

        await TestClients.AssertMatchesTranscriptAsync("16c_list_files_long", async c => files = await c.Dids.ListFilesAsync(new Did("user.root", "dataset2"), includeLongFields: true).ToListAsync());
        Assert.Equal(10, files![0].Events);

        List<DidContent>? content = null;
        await TestClients.AssertMatchesTranscriptAsync("16d_list_content_container", async c => content = await c.Dids.ListContentAsync(new Did("user.root", "container1")).ToListAsync());
        Assert.All(content!, item => Assert.Equal(DidType.Dataset, item.Type));

        List<DidParent>? parents = null;
        await TestClients.AssertMatchesTranscriptAsync("16f_list_parents", async c => parents = await c.Dids.ListParentsAsync(new Did("user.root", "file1.dat")).ToListAsync());
        Assert.Equal(Dataset1, Assert.Single(parents!).Did);
    }

    [Fact]
    public async Task Dids_ListRules()
    {
        List<ReplicationRule>? rules = null;
        await TestClients.AssertMatchesTranscriptAsync("22_list_did_rules", async c => rules = await c.Dids.ListRulesAsync(Dataset1).ToListAsync());
        Assert.Equal(RuleState.Replicating, Assert.Single(rules!).State);
    }

    [Fact]
    public async Task Dids_CreateCollections()
    {
        await TestClients.AssertMatchesTranscriptAsync("10_add_dataset", c => c.Dids.AddDatasetAsync(Dataset1));
        await TestClients.AssertMatchesTranscriptAsync("11_add_container", c => c.Dids.AddContainerAsync(new Did("user.root", "container1")));
        var exception = await Assert.ThrowsAsync<RucioException>(() => TestClients.AssertMatchesTranscriptAsync(
            "10d_add_dataset_with_meta",
            c => c.Dids.AddDatasetAsync(new Did("user.root", "dataset3"), meta: new Dictionary<string, object?> { ["project"] = "user", ["datatype"] = "RAW" })));
        Assert.Equal("InvalidObject", exception.ErrorCode);
        Assert.Equal(400, exception.Status);
    }

    [Fact]
    public async Task Dids_AddDataset_SendsLifetimeInSeconds()
    {
        var transport = TestClients.Transport(_ => Responses.Text("Created", "text/html; charset=utf-8", TestClients.Status(201)));
        using var client = new RucioClient(TestClients.Options(), transport);
        await client.Dids.AddDatasetAsync(Dataset1, TimeSpan.FromDays(1));
        JsonAssert.Equivalent("""{"type":"DATASET","lifetime":86400}""", Assert.Single(transport.DataRequests).Body);
    }

    [Fact]
    public async Task Dids_AttachAndStatus()
    {
        await TestClients.AssertMatchesTranscriptAsync(
            "12_attach_files_to_dataset",
            c => c.Dids.AttachAsync(Dataset1, [new Did("user.root", "file1.dat"), new Did("user.root", "file2.dat")]));
        await TestClients.AssertMatchesTranscriptAsync(
            "13d_attach_new_files_with_rse",
            c => c.Dids.AttachAsync(new Did("user.root", "dataset2"), "LOCAL-RSE1", [new FileRegistration(new Did("user.root", "file5.dat"), 5, "0605016b")]));
        await TestClients.AssertMatchesTranscriptAsync("15h_did_status_close", c => c.Dids.SetStatusAsync(new Did("user.root", "dataset2"), open: false));
        await TestClients.AssertMatchesTranscriptAsync("13e_reopen_dataset", c => c.Dids.SetStatusAsync(new Did("user.root", "dataset2"), open: true));
    }

    [Fact]
    public async Task Replicas_List()
    {
        List<Replica>? replicas = null;
        var request = await TestClients.AssertMatchesTranscriptAsync(
            "17_list_replicas_dataset",
            async c => replicas = await c.Replicas.ListAsync(new ReplicaListRequest { Dids = [Dataset1], Schemes = ["file"] }).ToListAsync());
        Assert.Equal("application/x-json-stream", request.Header("Accept"));
        Assert.Equal(2, replicas!.Count);
        var pfn = Assert.Single(replicas[0].Pfns);
        Assert.Equal("file://localhost/srv/rucio/rse1/user/root/90/11/file1.dat", pfn.Key);
        Assert.Equal("LOCAL-RSE1", pfn.Value.Rse);
        Assert.Equal(1, pfn.Value.Priority);
        Assert.Equal(ReplicaState.Available, replicas[0].States["LOCAL-RSE1"]);
        Assert.Equal([pfn.Key], replicas[0].Rses["LOCAL-RSE1"]);
    }

    [Fact]
    public async Task Replicas_List_SendsRseExpressionClientLocationAndLimit()
    {
        var transport = TestClients.Transport(_ => Transcript.Load("17d_list_replicas_rse_expression").ToResponse());
        using var client = new RucioClient(TestClients.Options(), transport);
        var request = new ReplicaListRequest
        {
            Dids = [new Did("user.root", "dataset2")],
            RseExpression = "LOCAL-RSE1",
            AllStates = true,
            ClientLocation = new ClientLocation { Site = "CERN" },
            Sort = "geoip",
            Limit = 2,
        };
        var replicas = await client.Replicas.ListAsync(request).ToListAsync();

        var sent = Assert.Single(transport.DataRequests);
        Assert.Equal("/replicas/list", sent.Path);
        Assert.Equal("2", sent.Query["limit"]);
        JsonAssert.Equivalent(
            """{"dids":[{"scope":"user.root","name":"dataset2"}],"all_states":true,"rse_expression":"LOCAL-RSE1","client_location":{"site":"CERN"},"sort":"geoip"}""",
            sent.Body);
        Assert.Equal("file5.dat", Assert.Single(replicas).Name);
    }

    [Fact]
    public async Task Replicas_List_WithoutPfnDetails_KeepsRsesAndStates_AndSendsTheSameRequest()
    {
        var transport = TestClients.Transport(_ => Transcript.Load("17d_list_replicas_rse_expression").ToResponse());
        using var client = new RucioClient(TestClients.Options(), transport);
        var request = new ReplicaListRequest { Dids = [new Did("user.root", "dataset2")], RseExpression = "LOCAL-RSE1", AllStates = true };

        var light = await client.Replicas.ListAsync(request with { SkipPfnDetails = true }).ToListAsync();
        var full = await client.Replicas.ListAsync(request).ToListAsync();

        Assert.Equal(transport.DataRequests[0].Body, transport.DataRequests[1].Body);
        var lean = Assert.Single(light);
        var rich = Assert.Single(full);
        Assert.Empty(lean.Pfns);
        Assert.NotEmpty(rich.Pfns);
        Assert.Equal(rich.Rses["LOCAL-RSE1"], lean.Rses["LOCAL-RSE1"]);
        Assert.Equal(rich.States["LOCAL-RSE1"], lean.States["LOCAL-RSE1"]);
        Assert.Equal(rich.Adler32, lean.Adler32);
    }

    [Fact]
    public async Task Replicas_ForDidAndDatasets()
    {
        List<Replica>? replicas = null;
        await TestClients.AssertMatchesTranscriptAsync("49_ext_get_replicas_GET", async c => replicas = await c.Replicas.ListForDidAsync(new Did("user.root", "file1.dat")).ToListAsync());
        Assert.Equal(2, Assert.Single(replicas!).Pfns.Count);

        List<DatasetReplica>? datasets = null;
        await TestClients.AssertMatchesTranscriptAsync("17i_dataset_replicas_deep", async c => datasets = await c.Replicas.ListDatasetReplicasAsync(Dataset1, deep: true).ToListAsync());
        var replica = Assert.Single(datasets!);
        Assert.Equal(ReplicaState.Available, replica.State);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 18, 51, 45, TimeSpan.Zero), replica.CreatedAt);

        await TestClients.AssertMatchesTranscriptAsync("17h_dataset_replicas", async c => datasets = await c.Replicas.ListDatasetReplicasAsync(Dataset1).ToListAsync());
        Assert.Empty(datasets!);
    }

    [Fact]
    public async Task Replicas_AddAndUpdateStates()
    {
        await TestClients.AssertMatchesTranscriptAsync("13_add_replicas_hashpath", c => c.Replicas.AddAsync("LOCAL-RSE1",
        [
            new FileRegistration(new Did("user.root", "file3.dat"), 3000, "a3fadc9c")
            {
                Md5 = "ad8220142c3b50a9fdbcc430d1d5a02e",
                Meta = new Dictionary<string, object?> { ["events"] = 10 },
            },
        ]));
        await TestClients.AssertMatchesTranscriptAsync("31_update_replica_state_available", c => c.Replicas.UpdateStatesAsync("LOCAL-RSE2",
        [
            new ReplicaStateUpdate(new Did("user.root", "file1.dat"), ReplicaState.Available),
            new ReplicaStateUpdate(new Did("user.root", "file2.dat"), ReplicaState.Available),
        ]));
    }

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
