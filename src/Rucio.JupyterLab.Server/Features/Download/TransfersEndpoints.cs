using System.Text.Json.Nodes;
using Rucio.DataLake.Core.Transfers;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Download;

/// <summary>One row of <c>GET transfers</c>, whatever its kind.</summary>
internal sealed record TransferRow(
    string Id,
    string Kind,
    string Did,
    string Status,
    long BytesDone,
    long BytesTotal,
    int FilesDone,
    int FilesTotal,
    string? Error,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt);

/// <summary>
/// A kind of transfer shown in the Transfers tab (downloads, uploads). Each kind keeps its own queue; the tab lists
/// and cancels through this interface, so the routes need no knowledge of the kinds.
/// </summary>
internal interface ITransferSource
{
    /// <summary>The instance's transfers of this kind, with live progress; local state only (works while Rucio is down).</summary>
    Task<IReadOnlyList<TransferRow>> ListTransfersAsync(string instance, CancellationToken cancellationToken);

    /// <summary>Cancels one of the instance's transfers; false when this kind does not know it or it already ended.</summary>
    Task<bool> CancelTransferAsync(string instance, string id, CancellationToken cancellationToken);
}

/// <summary>Download jobs as transfers.</summary>
internal sealed class DownloadTransferSource(DownloadService downloads) : ITransferSource
{
    public async Task<IReadOnlyList<TransferRow>> ListTransfersAsync(string instance, CancellationToken cancellationToken) =>
        [.. (await downloads.ListAsync(instance, cancellationToken)).Select(job => new TransferRow(
            job.Id, "download", job.Did.ToString(), TransferNames.Status(job.State), job.BytesDone, job.BytesTotal,
            job.FilesDone, job.FilesTotal, job.Error, job.CreatedAt,
            job.State is DownloadJobState.Completed or DownloadJobState.Failed or DownloadJobState.Cancelled ? job.UpdatedAt : null))];

    public Task<bool> CancelTransferAsync(string instance, string id, CancellationToken cancellationToken) =>
        downloads.CancelAsync(instance, id, cancellationToken);
}

/// <summary>
/// <c>GET transfers?namespace</c>: the instance's transfers of every kind (download, upload) with byte progress (live
/// while running), newest first; <c>POST transfers/cancel?namespace</c> <c>{"id"}</c>. They read the local queues
/// only, so they work while Rucio is down.
/// </summary>
internal static class TransfersEndpoints
{
    public static RouteGroupBuilder MapTransfers(this RouteGroupBuilder api)
    {
        api.MapGet("/transfers", ListAsync);
        api.MapPost("/transfers/cancel", CancelAsync);
        return api;
    }

    private static async Task ListAsync(HttpContext context, IEnumerable<ITransferSource> sources)
    {
        var instance = RucioSession.RequireNamespace(context);
        var rows = new List<TransferRow>();
        foreach (var source in sources)
        {
            rows.AddRange(await source.ListTransfersAsync(instance, context.RequestAborted));
        }

        await StatusJson.WriteAsync(context, async (writer, flush) =>
        {
            writer.WriteStartArray();
            foreach (var row in rows.OrderByDescending(r => r.StartedAt))
            {
                writer.WriteStartObject();
                writer.WriteString("id", row.Id);
                writer.WriteString("kind", row.Kind);
                writer.WriteString("did", row.Did);
                writer.WriteString("status", row.Status);
                writer.WriteNumber("bytes_done", row.BytesDone);
                writer.WriteNumber("bytes_total", row.BytesTotal);
                writer.WriteNumber("files_done", row.FilesDone);
                writer.WriteNumber("files_total", row.FilesTotal);
                writer.WriteString("error", row.Error);
                StatusJson.WriteTime(writer, "started_at", row.StartedAt);
                StatusJson.WriteTime(writer, "finished_at", row.FinishedAt);
                writer.WriteEndObject();
                await flush();
            }

            writer.WriteEndArray();
        });
    }

    private static async Task<IResult> CancelAsync(HttpContext context, JsonObject? body, IEnumerable<ITransferSource> sources, CancellationToken cancellationToken)
    {
        var instance = RucioSession.RequireNamespace(context);
        var id = body?["id"] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(id))
        {
            throw ApiProblemException.BadRequest("The body must name the transfer: {\"id\": \"<id>\"}.");
        }

        foreach (var source in sources)
        {
            if (await source.CancelTransferAsync(instance, id, cancellationToken))
            {
                return Results.Json(new { success = true });
            }
        }

        throw new ApiProblemException(StatusCodes.Status409Conflict, "This transfer is unknown or has already finished.", "TransferNotActive");
    }
}
