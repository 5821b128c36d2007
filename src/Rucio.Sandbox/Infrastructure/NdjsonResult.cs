using System.Text;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>
/// Streams one JSON document per line while rows are read from the database. Nothing is sent until the first
/// row exists, so an error raised by the query (e.g. DataIdentifierNotFound) still becomes a proper error
/// response, and an empty result is answered with Content-Length 0 as Flask does.
/// </summary>
internal sealed class NdjsonResult(IAsyncEnumerable<object?> rows) : IResult
{
    /// <summary>Lines are buffered up to this size before a flush, keeping chunks reasonably large.</summary>
    private const int FlushThreshold = 32 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var token = httpContext.RequestAborted;
        await using var enumerator = rows.GetAsyncEnumerator(token);
        if (!await enumerator.MoveNextAsync())
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = RucioResults.JsonStream;
            response.ContentLength = 0;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = RucioResults.JsonStream;
        var buffer = new StringBuilder(FlushThreshold + 4096);
        do
        {
            buffer.Append(PyJson.Dumps(enumerator.Current)).Append('\n');
            if (buffer.Length >= FlushThreshold)
            {
                await WriteAsync(response, buffer, token);
            }
        }
        while (await enumerator.MoveNextAsync());

        await WriteAsync(response, buffer, token);
    }

    private static async Task WriteAsync(HttpResponse response, StringBuilder buffer, CancellationToken token)
    {
        if (buffer.Length == 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(buffer.ToString());
        buffer.Clear();
        await response.Body.WriteAsync(bytes, token);
        await response.Body.FlushAsync(token);
    }
}
