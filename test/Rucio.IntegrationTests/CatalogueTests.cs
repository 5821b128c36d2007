using Rucio.Client;

namespace Rucio.IntegrationTests;

/// <summary>Reading the demo catalogue through the client, end to end over HTTP.</summary>
public sealed class CatalogueTests(DemoSandboxFixture sandbox) : IClassFixture<DemoSandboxFixture>
{
    [Fact]
    public async Task Ping_and_whoami_follow_the_real_server_shapes()
    {
        using var client = sandbox.Server.CreateClient();

        Assert.False(string.IsNullOrEmpty(await client.PingAsync()));
        var me = await client.Accounts.WhoAmIAsync();
        Assert.Equal("root", me.Account);
        Assert.Equal("ACTIVE", me.Status);
    }

    [Fact]
    public async Task Search_with_wildcard_and_type_streams_the_matching_collections()
    {
        using var client = sandbox.Server.CreateClient();

        var found = await client.Dids.SearchAsync("opendata", new DidSearchOptions { Type = DidSearchType.Collection, NamePattern = "higgs*" })
            .ToListAsync();

        Assert.Contains(found, d => d.Name == "higgs_4lepton_2012" && d.Type == DidType.Dataset);
        Assert.Contains(found, d => d.Name == "higgs_2012" && d.Type == DidType.Container);
        Assert.DoesNotContain(found, d => d.Type == DidType.File);
    }

    [Fact]
    public async Task Search_limit_is_applied_by_the_server()
    {
        using var client = sandbox.Server.CreateClient();

        var found = await client.Dids.SearchAsync("opendata", new DidSearchOptions { Type = DidSearchType.All, NamePattern = "*", Limit = 2 })
            .ToListAsync();

        Assert.Equal(2, found.Count);
    }

    [Fact]
    public async Task Files_of_a_dataset_come_with_replicas_whose_bytes_match_the_catalogue()
    {
        using var client = sandbox.Server.CreateClient();
        var dataset = Did.Parse("opendata:higgs_diphoton_2012");

        var files = await client.Dids.ListFilesAsync(dataset).ToListAsync();
        var replicas = await client.Replicas.ListAsync(new ReplicaListRequest
        {
            Dids = [dataset],
            RseExpression = "CERN-EOS",
            Schemes = ["file"],
        }).ToListAsync();

        Assert.NotEmpty(files);
        Assert.Equal(files.Select(f => f.Name).Order(), replicas.Select(r => r.Name).Order());
        foreach (var replica in replicas)
        {
            var pfn = Assert.Single(replica.Rses["CERN-EOS"]);
            var path = Pfn.LocalPath(pfn);
            Assert.True(File.Exists(path), $"{pfn} has no file on disk");
            Assert.Equal(replica.Bytes, new FileInfo(path).Length);
            Assert.Equal(replica.Adler32, Adler32.OfFile(path));
        }
    }

    [Fact]
    public async Task A_dataset_only_on_the_remote_rse_lists_no_replica_on_the_mounted_one()
    {
        using var client = sandbox.Server.CreateClient();

        var onMount = await client.Replicas.ListAsync(new ReplicaListRequest
        {
            Dids = [Did.Parse("opendata:higgs_4lepton_2012")],
            RseExpression = "CERN-EOS",
        }).ToListAsync();

        Assert.Empty(onMount);
    }

    [Fact]
    public async Task Names_with_slashes_are_encoded_as_one_path_segment()
    {
        using var client = sandbox.Server.CreateClient();

        var did = await client.Dids.GetAsync(Did.Parse("user.root:runs/2012/summary.txt"));

        Assert.Equal("runs/2012/summary.txt", did.Name);
        Assert.Equal(DidType.File, did.Type);
    }

    [Fact]
    public async Task Unknown_did_maps_to_a_RucioException_with_the_full_message()
    {
        using var client = sandbox.Server.CreateClient();

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Dids.GetAsync(Did.Parse("opendata:does_not_exist")));

        Assert.Equal(404, error.Status);
        Assert.Equal("DataIdentifierNotFound", error.ErrorCode);
        Assert.Contains("does_not_exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_is_an_authentication_error_not_a_crash()
    {
        using var client = sandbox.Server.CreateClient(password: "wrong");

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.WhoAmIAsync());

        Assert.Equal(401, error.Status);
        Assert.Equal("IdentityNotFound", error.ErrorCode);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_rse_expression_is_reported_with_rucios_exception_class()
    {
        using var client = sandbox.Server.CreateClient();

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Rses.ListAsync("CERN-EOS&(").ToListAsync().AsTask());

        Assert.Equal(400, error.Status);
        Assert.Equal("InvalidRSEExpression", error.ErrorCode);
    }
}
