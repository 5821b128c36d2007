using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

[Collection(SandboxCollection.Name)]
public sealed class SearchAndFilesApiTests(SandboxFixture sandbox) : IAsyncLifetime
{
    private BackendHost _backend = null!;

    public async Task InitializeAsync()
    {
        _backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri, extraInstanceKeys: ", \"wildcard_enabled\": true")
            .Replace("}] ", "}, {\"name\": \"strict\", \"display_name\": \"Strict\", \"mode\": \"download\", \"rucio_base_url\": \"" + sandbox.DirectUri.GetLeftPart(UriPartial.Authority) + "\"}] ", StringComparison.Ordinal));
        await _backend.LoginAsync();
        await _backend.LoginAsync("strict");
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private async Task<List<(string? Did, long? Size, string? Type)>> SearchAsync(string query)
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/did-search?namespace=sandbox&" + query);
        Assert.True(status == 200, $"search {query} answered {status}: {body}");
        return body!.AsArray().Select(r => ((string?)r!["did"], (long?)r["size"], (string?)r["type"])).ToList();
    }

    [Fact]
    public async Task WildcardSearchListsTheDemoDatasets()
    {
        var rows = await SearchAsync("did=" + Uri.EscapeDataString("opendata:*") + "&type=all");

        Assert.Contains(rows, r => r.Did == "opendata:higgs_diphoton_2012" && r.Type == "dataset");
        Assert.Contains(rows, r => r.Did == "opendata:calibration_2012" && r.Type == "dataset");
    }

    [Fact]
    public async Task LimitIsApplied()
    {
        var rows = await SearchAsync("did=" + Uri.EscapeDataString("opendata:*") + "&type=all&limit=1");

        Assert.Single(rows);
    }

    [Fact]
    public async Task NoResultIsAnEmptyListWith200()
    {
        var rows = await SearchAsync("did=" + Uri.EscapeDataString("opendata:nothing_matches_this*"));

        Assert.Empty(rows);
    }

    [Fact]
    public async Task MetadataFilterSelectsOnRucioSide()
    {
        var rows = await SearchAsync("did=" + Uri.EscapeDataString("opendata:*") + "&type=dataset&filters=" + Uri.EscapeDataString("datatype = NTUP"));

        Assert.Equal(["opendata:higgs_4lepton_2012", "opendata:higgs_diphoton_2012"], rows.Select(r => r.Did).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("did=opendata", "is not a DID")]
    [InlineData("did=opendata:x&type=everything", "Unknown DID type")]
    [InlineData("did=opendata:x&filters=datatype%3DA%2Cdatatype%3DB", "more than once")]
    [InlineData("did=opendata:x&filters=%3D%3D%3D", "Invalid metadata filter")]
    [InlineData("did=opendata:x&limit=many", "Malformed request")]
    public async Task BadSearchRequestsAre400s(string query, string expected)
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/did-search?namespace=sandbox&" + query);

        Assert.Equal(400, status);
        Assert.Contains(expected, (string?)body!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WildcardIsRefusedWhenTheInstanceDisablesIt()
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/did-search?namespace=strict&did=" + Uri.EscapeDataString("opendata:*"));

        Assert.Equal(400, status);
        Assert.Equal("wildcard_disabled", (string?)body!["error"]);
        Assert.Contains("disabled", (string?)body["exception_message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilesOfADatasetAreListedWithSizes()
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/files?namespace=sandbox&did=" + Uri.EscapeDataString("opendata:higgs_diphoton_2012"));

        Assert.Equal(200, status);
        var files = body!.AsArray();
        Assert.NotEmpty(files);
        Assert.All(files, f =>
        {
            Assert.StartsWith("opendata:", (string?)f!["did"], StringComparison.Ordinal);
            Assert.True((long)f["size"]! > 0);
        });
    }

    [Fact]
    public async Task FilesOfAnUnknownDidIsRuciosNotFound()
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/files?namespace=sandbox&did=" + Uri.EscapeDataString("opendata:no_such_dataset"));

        Assert.Equal(404, status);
        Assert.Equal("DataIdentifierNotFound", (string?)body!["exception_class"]);
    }
}
