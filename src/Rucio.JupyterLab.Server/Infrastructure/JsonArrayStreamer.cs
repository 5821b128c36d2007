using System.Text.Json;
using Rucio.Client;
using Rucio.DataLake.Core.Clients;

namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>
/// Streams a Rucio listing to the browser as one JSON array, row by row, without buffering it. A failure before the
/// first row is a normal error response; a failure after it aborts the connection, so a cut listing is never
/// mistaken for a complete one.
/// </summary>
internal static class JsonArrayStreamer
{
    private const int FlushThresholdBytes = 32 * 1024;

    public static async Task StreamAsync<T>(
        HttpContext context,
        RucioSession session,
        string action,
        string endpoint,
        Func<RucioClient, CancellationToken, IAsyncEnumerable<T>> listing,
        Action<Utf8JsonWriter, T> writeRow)
    {
        var cancellationToken = context.RequestAborted;
        RucioClientLease lease;
        try
        {
            lease = session.AcquireClient();
        }
        catch (RucioException ex)
        {
            throw session.ToProblem(ex, action);
        }

        using var leaseScope = lease;
        await using var rows = session.Metrics.MeasureStream(endpoint, listing(lease.Client, cancellationToken), cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        bool hasRow;
        try
        {
            hasRow = await rows.MoveNextAsync();
        }
        catch (RucioException ex)
        {
            throw session.ToProblem(ex, action);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = context.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartArray();
        try
        {
            while (hasRow)
            {
                writeRow(writer, rows.Current);
                if (writer.BytesPending >= FlushThresholdBytes)
                {
                    await writer.FlushAsync(cancellationToken);
                    await body.FlushAsync(cancellationToken);
                }

                hasRow = await rows.MoveNextAsync();
            }
        }
        catch (RucioException ex)
        {
            throw session.ToProblem(ex, action);
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
        await body.FlushAsync(cancellationToken);
    }
}
