using System.Net;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

public sealed class PipelineTests
{
    [Fact]
    public async Task NamesWithSlashAndColon_AreEscapedAsSingleSegments()
    {
        var transport = TestClients.Transport(_ => Responses.Json("{}"));
        using var client = new RucioClient(TestClients.Options(), transport);

        await client.Dids.GetMetadataAsync(new Did("user.jdoe", "dir/sub:file name.dat"));

        var request = Assert.Single(transport.DataRequests);
        Assert.Equal("/dids/user.jdoe/dir%2Fsub%3Afile%20name.dat/meta", request.Uri.AbsolutePath);
    }

    [Fact]
    public async Task BaseUriPathPrefix_IsKept_ForDataAndAuth()
    {
        var transport = TestClients.Transport(_ => Responses.Json("""["a"]"""));
        var options = TestClients.Options();
        options.BaseUri = new Uri("https://host.example/rucio/");
        using var client = new RucioClient(options, transport);

        await client.Scopes.ListAsync();

        Assert.Equal("https://host.example/rucio/auth/userpass", Assert.Single(transport.AuthRequests).Uri.AbsoluteUri);
        Assert.Equal("https://host.example/rucio/scopes/", Assert.Single(transport.DataRequests).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task AuthUri_ReceivesTheAuthenticationCalls()
    {
        var transport = TestClients.Transport(_ => Responses.Json("""["a"]"""));
        var options = TestClients.Options();
        options.AuthUri = new Uri("https://auth.example:8443/prefix");
        using var client = new RucioClient(options, transport);

        await client.Scopes.ListAsync();

        Assert.Equal("https://auth.example:8443/prefix/auth/userpass", Assert.Single(transport.AuthRequests).Uri.AbsoluteUri);
        Assert.StartsWith(TestClients.BaseUri.AbsoluteUri, Assert.Single(transport.DataRequests).Uri.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhoAmI_FollowsTheRelative303Itself()
    {
        var whoami = Transcript.Load("02_whoami");
        var account = Transcript.Load("02b_account_root");
        var transport = TestClients.Transport(r => r.Path == "/accounts/whoami" ? whoami.ToResponse() : account.ToResponse());
        using var client = new RucioClient(TestClients.Options(), transport);

        var me = await client.Accounts.WhoAmIAsync();

        Assert.Equal("root", me.Account);
        Assert.Equal(["/accounts/whoami", "/accounts/root"], transport.DataRequests.Select(r => r.Path));
        Assert.All(transport.DataRequests, r => Assert.Equal(Responses.Token, r.Header("X-Rucio-Auth-Token")));
    }

    [Fact]
    public async Task Permanent308_IsFollowedOnTheSameOrigin()
    {
        var transport = TestClients.Transport(r =>
        {
            if (r.Path == "/rses/")
            {
                var redirect = Responses.Text("", "text/html", HttpStatusCode.PermanentRedirect);
                redirect.Headers.Location = new Uri(TestClients.BaseUri, "/rses/v2/");
                return redirect;
            }

            return Responses.Ndjson("""{"rse": "LOCAL-RSE1"}""");
        });
        using var client = new RucioClient(TestClients.Options(), transport);

        var rses = await client.Rses.ListAsync().ToListAsync();

        Assert.Equal("LOCAL-RSE1", Assert.Single(rses).Rse);
        Assert.Equal("/rses/v2/", transport.DataRequests[^1].Path);
    }

    [Fact]
    public async Task RedirectToAnotherHost_IsRefused_SoTheTokenDoesNotLeak()
    {
        var transport = TestClients.Transport(_ =>
        {
            var redirect = Responses.Text("", "text/html", HttpStatusCode.Found);
            redirect.Headers.Location = new Uri("https://evil.example/accounts/root");
            return redirect;
        });
        using var client = new RucioClient(TestClients.Options(), transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));

        Assert.Equal(RucioException.InvalidResponseCode, error.ErrorCode);
        Assert.All(transport.Requests, r => Assert.Equal("rucio.example.org", r.Uri.Host));
    }

    [Fact]
    public async Task JsonEndpoints_SendJsonAccept_AndUserAgent()
    {
        var transport = TestClients.Transport(_ => Transcript.Load("02b_account_root").ToResponse());
        var options = TestClients.Options();
        options.UserAgent = "rucio-jupyterlab-tests/1.0";
        using var client = new RucioClient(options, transport);

        await client.Accounts.GetAsync("root");

        var request = Assert.Single(transport.DataRequests);
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Equal("rucio-jupyterlab-tests/1.0", request.Header("User-Agent"));
    }

    [Fact]
    public void Options_AreValidated()
    {
        using var transport = TestClients.Transport(_ => Responses.Json("{}"));
        Assert.Throws<ArgumentException>(() => new RucioClient(new RucioClientOptions { Credential = RucioCredential.UserPass("a", "b") }, transport));
        Assert.Throws<ArgumentException>(() => new RucioClient(new RucioClientOptions { BaseUri = TestClients.BaseUri }, transport));
        Assert.Throws<ArgumentException>(() => new RucioClient(
            new RucioClientOptions { BaseUri = new Uri("https://user:pw@host/"), Credential = RucioCredential.UserPass("a", "b") }, transport));
        Assert.Throws<ArgumentException>(() => new RucioClient(
            new RucioClientOptions { BaseUri = new Uri("ftp://host/"), Credential = RucioCredential.UserPass("a", "b") }, transport));
    }

    [Fact]
    public async Task Dispose_DoesNotDisposeTheInjectedTransport()
    {
        var transport = TestClients.Transport(_ => Responses.Json("""{"version":"1.31.7"}"""));
        using (var first = new RucioClient(TestClients.Options(), transport))
        {
            await first.PingAsync();
        }

        using var second = new RucioClient(TestClients.Options(), transport);
        Assert.Equal("1.31.7", await second.PingAsync());
    }
}
