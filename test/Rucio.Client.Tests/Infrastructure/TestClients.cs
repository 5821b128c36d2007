using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Rucio.Client.Tests.Infrastructure;

/// <summary>Builds clients over a <see cref="FakeTransport"/>.</summary>
public static class TestClients
{
    public static readonly Uri BaseUri = new("https://rucio.example.org");

    public static RucioClientOptions Options(RucioCredential? credential = null, TimeProvider? time = null) => new()
    {
        BaseUri = BaseUri,
        Account = "root",
        Credential = credential ?? RucioCredential.UserPass("ddmlab", "secret"),
        TimeProvider = time ?? TimeProvider.System,
        Retry = new RetryOptions { MaxRetries = 3, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
    };

    /// <summary>A transport answering /auth/userpass with a one-hour token and everything else with <paramref name="data"/>.</summary>
    public static FakeTransport Transport(Func<RecordedRequest, HttpResponseMessage> data, TimeProvider? time = null) =>
        new(request => request.IsAuth
            ? Responses.AuthToken(Responses.Token, (time ?? TimeProvider.System).GetUtcNow().AddHours(1))
            : data(request));

    /// <summary>A client whose data calls are answered from a transcript's recorded response.</summary>
    public static (RucioClient Client, FakeTransport Transport) ForTranscript(Transcript transcript)
    {
        var transport = Transport(_ => transcript.ToResponse());
        return (new RucioClient(Options(), transport), transport);
    }

    /// <summary>Runs a call against a transcript and checks that the request matches the recorded one.</summary>
    public static async Task<RecordedRequest> AssertMatchesTranscriptAsync(string name, Func<RucioClient, Task> call)
    {
        var transcript = Transcript.Load(name);
        var (client, transport) = ForTranscript(transcript);
        using (client)
        {
            await call(client);
        }

        var request = Assert.Single(transport.DataRequests);
        Assert.Equal(transcript.Method, request.Method.Method);
        Assert.Equal(transcript.Path, request.Path);
        Assert.Equal(transcript.Query, request.Query);
        Assert.Equal(Responses.Token, request.Header("X-Rucio-Auth-Token"));
        if (transcript.RequestBody is not null)
        {
            JsonAssert.Equivalent(transcript.RequestBody, request.Body);
        }
        else
        {
            Assert.Null(request.Body);
        }

        return request;
    }

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 22, 18, 0, 0, TimeSpan.Zero));

    public static HttpStatusCode Status(int code) => (HttpStatusCode)code;
}

public static class JsonAssert
{
    public static void Equivalent(string expected, string? actual)
    {
        Assert.NotNull(actual);
        var expectedNode = System.Text.Json.Nodes.JsonNode.Parse(expected);
        var actualNode = System.Text.Json.Nodes.JsonNode.Parse(actual);
        Assert.True(
            System.Text.Json.Nodes.JsonNode.DeepEquals(expectedNode, actualNode),
            $"JSON differs.\nExpected: {expected}\nActual:   {actual}");
    }
}
