using System.Text.Json;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests.Transcripts;

/// <summary>
/// The DIDs client (search, details, metadata, contents, collections),
/// against real recorded exchanges: each request must match what the server saw (method, path, query, JSON
/// body) and the recorded response must parse into the expected values.
/// </summary>
public sealed class DidsTranscriptTests
{
    private static readonly Did Dataset1 = new("user.root", "dataset1");

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
}
