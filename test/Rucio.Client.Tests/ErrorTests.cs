using System.Net;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

public sealed class ErrorTests
{
    private static async Task<RucioException> FailAsync(string transcript, Func<RucioClient, Task> call)
    {
        var (client, _) = TestClients.ForTranscript(Transcript.Load(transcript));
        using (client)
        {
            return await Assert.ThrowsAsync<RucioException>(() => call(client));
        }
    }

    [Fact]
    public async Task JsonBody_GivesFullMessage_NotTheTruncatedHeader()
    {
        var transcript = Transcript.Load("13b_add_replicas_with_pfn");
        Assert.EndsWith("(...", transcript.ResponseHeaders.Single(h => h.Key == "ExceptionMessage").Value, StringComparison.Ordinal);

        var error = await FailAsync("13b_add_replicas_with_pfn", c => c.Replicas.AddAsync("LOCAL-RSE1",
            [new FileRegistration(new Did("user.root", "file4.dat"), 4000, "6975af37") { Pfn = "file://localhost/srv/rucio/rse1/manual/file4.dat" }]));

        Assert.Equal(400, error.Status);
        Assert.Equal("InvalidPath", error.ErrorCode);
        Assert.Equal(
            "One of the PFNs provided does not match the Rucio expected PFN : ['file://localhost/srv/rucio/rse1/manual/file4.dat'] ([{'scope': 'user.root', 'name': 'file4.dat'}])",
            error.Message);
    }

    [Fact]
    public async Task NotFound_CarriesExceptionClass()
    {
        var error = await FailAsync("16g_list_files_notfound", async c => await c.Dids.ListFilesAsync(new Did("user.root", "nosuch")).ToListAsync());
        Assert.Equal(404, error.Status);
        Assert.Equal("DataIdentifierNotFound", error.ErrorCode);
        Assert.Equal("Data identifier 'user.root:nosuch' not found", error.Message);
    }

    [Fact]
    public async Task Html500_GivesStatusAndText()
    {
        var error = await FailAsync("14a_search_dids_no_type_param_500", async c => await c.Dids.SearchAsync("user.root").ToListAsync());
        Assert.Equal(500, error.Status);
        Assert.Null(error.ErrorCode);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.Contains("'NoneType' object has no attribute 'lower'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlaskHtml404_GivesReadableText()
    {
        var error = await FailAsync("60c_unknown_route_404", c => c.Accounts.GetAsync("root"));
        Assert.Equal(404, error.Status);
        Assert.Null(error.ErrorCode);
        Assert.Contains("The requested URL was not found on the server.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderOnlyError_UsesHeaders()
    {
        var transport = TestClients.Transport(_ =>
        {
            var response = Responses.Text("", "application/octet-stream", HttpStatusCode.Conflict);
            response.Headers.TryAddWithoutValidation("ExceptionClass", "DuplicateRule");
            response.Headers.TryAddWithoutValidation("ExceptionMessage", "A duplicate rule");
            return response;
        });
        using var client = new RucioClient(TestClients.Options(), transport);
        var error = await Assert.ThrowsAsync<RucioException>(() => client.Rules.GetAsync("abc"));
        Assert.Equal(409, error.Status);
        Assert.Equal("DuplicateRule", error.ErrorCode);
        Assert.Equal("A duplicate rule", error.Message);
    }

    [Fact]
    public async Task NotAcceptable406_IsReported()
    {
        var error = await FailAsync("60b_accept_json_on_stream_endpoint", async c => await c.Dids.ListRulesAsync(new Did("user.root", "dataset1")).ToListAsync());
        Assert.Equal(406, error.Status);
        Assert.Equal("UnsupportedRequestedContentType", error.ErrorCode);
    }

    [Fact]
    public async Task ServerBug500WithExceptionClass_IsReported()
    {
        var error = await FailAsync("21d_get_rule_badid", c => c.Rules.GetAsync("not-a-uuid"));
        Assert.Equal(500, error.Status);
        Assert.Equal("RucioException", error.ErrorCode);
        Assert.Equal("Badly formatted rule id (not-a-uuid)", error.Message);
    }

    [Fact]
    public async Task InvalidJsonBody_IsInvalidResponse()
    {
        var transport = TestClients.Transport(_ => Responses.Json("{not json"));
        using var client = new RucioClient(TestClients.Options(), transport);
        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));
        Assert.Equal(RucioException.InvalidResponseCode, error.ErrorCode);
    }
}
