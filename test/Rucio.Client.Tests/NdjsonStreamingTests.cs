using System.Net;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

public sealed class NdjsonStreamingTests
{
    private const string File1 = """{"scope": "user.root", "name": "file1.dat", "bytes": 1000, "adler32": "86cbed72", "guid": null, "events": null}""";
    private const string File2 = """{"scope": "user.root", "name": "file2.dat", "bytes": 2000, "adler32": "32e6ee07", "guid": null, "events": null}""";
    private static readonly Did Dataset = new("user.root", "dataset1");

    [Fact]
    public async Task FirstItem_ArrivesBeforeTheBodyEnds()
    {
        var body = new ScriptedStream();
        var transport = TestClients.Transport(_ => body.ToResponse());
        using var client = new RucioClient(TestClients.Options(), transport);

        await using var items = client.Dids.ListFilesAsync(Dataset).GetAsyncEnumerator();
        body.Push(File1 + "\n" + File2[..20]);

        Assert.True(await items.MoveNextAsync());
        Assert.Equal("file1.dat", items.Current.Name);

        var second = items.MoveNextAsync().AsTask();
        Assert.False(second.IsCompleted); // waiting for the rest of line 2, which has not been sent
        body.Push(File2[20..] + "\n");
        body.End();

        Assert.True(await second);
        Assert.Equal("file2.dat", items.Current.Name);
        Assert.False(await items.MoveNextAsync());
    }

    [Fact]
    public async Task BodyEndingMidLine_IsAnError_NotAShorterList()
    {
        var transport = TestClients.Transport(_ => Responses.Text(File1 + "\n" + File2[..40], "application/x-json-stream"));
        using var client = new RucioClient(TestClients.Options(), transport);

        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<RucioException>(async () =>
        {
            await foreach (var file in client.Dids.ListFilesAsync(Dataset))
            {
                seen.Add(file.Name);
            }
        });

        Assert.Equal(["file1.dat"], seen);
        Assert.Equal(RucioException.InvalidResponseCode, error.ErrorCode);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteJsonWithoutFinalNewline_IsStillTruncated()
    {
        var transport = TestClients.Transport(_ => Responses.Text(File1 + "\n" + File2, "application/x-json-stream"));
        using var client = new RucioClient(TestClients.Options(), transport);
        var error = await Assert.ThrowsAsync<RucioException>(async () => await client.Dids.ListFilesAsync(Dataset).ToListAsync());
        Assert.Equal(RucioException.InvalidResponseCode, error.ErrorCode);
    }

    [Fact]
    public async Task ConnectionCutMidBody_IsConnectionError()
    {
        var body = new ScriptedStream();
        body.Push(File1 + "\n");
        body.Fail(new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely."));
        var transport = TestClients.Transport(_ => body.ToResponse());
        using var client = new RucioClient(TestClients.Options(), transport);

        var error = await Assert.ThrowsAsync<RucioException>(async () => await client.Dids.ListFilesAsync(Dataset).ToListAsync());
        Assert.Equal(RucioException.ConnectionErrorCode, error.ErrorCode);
        Assert.Equal(0, error.Status);
    }

    [Fact]
    public async Task EmptyBody_IsAnEmptyList_AndBlankLinesAreSkipped()
    {
        var transport = TestClients.Transport(request => request.Path.EndsWith("files", StringComparison.Ordinal)
            ? Responses.Text("", "application/x-json-stream")
            : Responses.Text("\n" + File1 + "\r\n\n", "application/x-json-stream"));
        using var client = new RucioClient(TestClients.Options(), transport);

        Assert.Empty(await client.Dids.ListFilesAsync(Dataset).ToListAsync());
        Assert.Single(await client.Dids.ListContentAsync(Dataset).ToListAsync());
    }

    [Fact]
    public async Task MalformedLine_IsInvalidResponseWithLineNumber()
    {
        var transport = TestClients.Transport(_ => Responses.Ndjson(File1, "{\"scope\": oops}"));
        using var client = new RucioClient(TestClients.Options(), transport);
        var error = await Assert.ThrowsAsync<RucioException>(async () => await client.Dids.ListFilesAsync(Dataset).ToListAsync());
        Assert.Equal(RucioException.InvalidResponseCode, error.ErrorCode);
        Assert.Contains("Line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LinesLargerThanTheInitialBuffer_AreReassembled()
    {
        var name = new string('x', 100_000);
        var line = $$"""{"scope": "user.root", "name": "{{name}}", "bytes": 1}""";
        var transport = TestClients.Transport(_ => Responses.Ndjson(line, File1));
        using var client = new RucioClient(TestClients.Options(), transport);
        var files = await client.Dids.ListFilesAsync(Dataset).ToListAsync();
        Assert.Equal([name, "file1.dat"], files.Select(f => f.Name));
    }

    [Fact]
    public async Task StreamedListing_SendsStreamAcceptHeader_AndStalledBodyTimesOut()
    {
        var body = new ScriptedStream();
        body.Push(File1 + "\n");
        var transport = TestClients.Transport(_ => body.ToResponse());
        var options = TestClients.Options();
        options.Timeout = TimeSpan.FromMilliseconds(200);
        using var client = new RucioClient(options, transport);

        await using var items = client.Dids.ListFilesAsync(Dataset).GetAsyncEnumerator();
        Assert.True(await items.MoveNextAsync());
        var error = await Assert.ThrowsAsync<RucioException>(async () => await items.MoveNextAsync());

        Assert.Equal(RucioException.TimeoutCode, error.ErrorCode);
        Assert.Equal("application/x-json-stream", Assert.Single(transport.DataRequests).Header("Accept"));
    }

    [Fact]
    public async Task CallerCancellationWhileStreaming_IsOperationCanceled()
    {
        var body = new ScriptedStream();
        body.Push(File1 + "\n");
        var transport = TestClients.Transport(_ => body.ToResponse());
        using var client = new RucioClient(TestClients.Options(), transport);
        using var cancellation = new CancellationTokenSource();

        await using var items = client.Dids.ListFilesAsync(Dataset, cancellationToken: cancellation.Token).GetAsyncEnumerator();
        Assert.True(await items.MoveNextAsync());
        var next = items.MoveNextAsync().AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }
}
