using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests.Transcripts;

/// <summary>
/// The replicas client (listings, registration, states),
/// against real recorded exchanges: each request must match what the server saw (method, path, query, JSON
/// body) and the recorded response must parse into the expected values.
/// </summary>
public sealed class ReplicasTranscriptTests
{
    private static readonly Did Dataset1 = new("user.root", "dataset1");

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
}
