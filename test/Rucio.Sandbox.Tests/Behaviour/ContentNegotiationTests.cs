using System.Net;
using System.Text.Json;
using Rucio.Sandbox.Tests.Support;

namespace Rucio.Sandbox.Tests.Behaviour;

/// <summary>Lists are streamed as NDJSON and the Accept header is enforced, as on Rucio 1.31 (rucio-rest-api.md).</summary>
public sealed class ContentNegotiationTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_list_is_streamed_as_chunked_ndjson_without_content_length()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var sandbox = fixture.Sandbox;
        var token = await sandbox.LoginAsync(timeout.Token);

        using var request = new HttpRequestMessage(HttpMethod.Get, "accounts/");
        request.Headers.TryAddWithoutValidation(SandboxHost.TokenHeader, token);

        // Headers only, and the raw header view: HttpClient would otherwise report the buffered body's length.
        using var response = await sandbox.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-json-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TransferEncodingChunked, "an NDJSON list must be sent chunked");
        Assert.False(response.Content.Headers.NonValidated.Contains("Content-Length"), "an NDJSON list must not announce its length");
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        var accounts = new List<string?>();
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var account = JsonDocument.Parse(line);
            accounts.Add(account.RootElement.GetProperty("account").GetString());
        }

        Assert.Contains("root", accounts);
    }

    [Fact]
    public async Task An_empty_list_is_an_empty_ndjson_body()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var sandbox = fixture.Sandbox;
        var token = await sandbox.LoginAsync(timeout.Token);

        using var response = await sandbox.SendAsync(HttpMethod.Get, "dids/nosuchscope/dids/search?type=all&name=%2A", token, null, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-json-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync(timeout.Token));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/xml")]
    public async Task A_stream_endpoint_refuses_other_media_types_with_406(string accept)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var sandbox = fixture.Sandbox;
        var token = await sandbox.LoginAsync(timeout.Token);

        using var response = await sandbox.SendAsync(HttpMethod.Get, "accounts/", token, null, timeout.Token, accept);

        await Scenario.AssertRucioErrorAsync(response, HttpStatusCode.NotAcceptable, "UnsupportedRequestedContentType", timeout.Token);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
        Assert.Equal(
            $"The requested content type {accept} is not supported. Use ['application/x-json-stream'].",
            error.RootElement.GetProperty("ExceptionMessage").GetString());
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("application/x-json-stream")]
    [InlineData("*/*")]
    [InlineData(null)]
    public async Task A_stream_endpoint_accepts_ndjson_any_or_no_accept_header(string? accept)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var sandbox = fixture.Sandbox;
        var token = await sandbox.LoginAsync(timeout.Token);

        using var response = await sandbox.SendAsync(HttpMethod.Get, "accounts/", token, null, timeout.Token, accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_json_endpoint_refuses_an_ndjson_only_accept_header()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var sandbox = fixture.Sandbox;
        var token = await sandbox.LoginAsync(timeout.Token);

        using var refused = await sandbox.SendAsync(HttpMethod.Get, "accounts/root", token, null, timeout.Token, "application/x-json-stream");
        using var served = await sandbox.SendAsync(HttpMethod.Get, "accounts/root", token, null, timeout.Token, "application/json");

        await Scenario.AssertRucioErrorAsync(refused, HttpStatusCode.NotAcceptable, "UnsupportedRequestedContentType", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("application/json", served.Content.Headers.ContentType?.MediaType);
    }
}
