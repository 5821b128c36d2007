using System.Text.Json.Nodes;
using Rucio.DataLake.Core.Transfers;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Download;

/// <summary>
/// <c>GET transfers?namespace</c>: the instance's download jobs with byte progress (live while running), newest
/// first; <c>POST transfers/cancel?namespace</c> <c>{"id"}</c>. They read the local queue only, so they work
/// while Rucio is down.
/// </summary>
internal static class TransfersEndpoints
{
    public static RouteGroupBuilder MapTransfers(this RouteGroupBuilder api)
    {
        api.MapGet("/transfers", ListAsync);
        api.MapPost("/transfers/cancel", CancelAsync);
        return api;
    }

    private static async Task ListAsync(HttpContext context, DownloadService downloads)
    {
        var instance = RucioSession.RequireNamespace(context);
        var jobs = await downloads.ListAsync(instance, context.RequestAborted);
        await StatusJson.WriteAsync(context, async (writer, flush) =>
        {
            writer.WriteStartArray();
            foreach (var job in jobs.OrderByDescending(j => j.CreatedAt))
            {
                writer.WriteStartObject();
                writer.WriteString("id", job.Id);
                writer.WriteString("kind", "download");
                writer.WriteString("did", job.Did.ToString());
                writer.WriteString("status", TransferNames.Status(job.State));
                writer.WriteNumber("bytes_done", job.BytesDone);
                writer.WriteNumber("bytes_total", job.BytesTotal);
                writer.WriteNumber("files_done", job.FilesDone);
                writer.WriteNumber("files_total", job.FilesTotal);
                writer.WriteString("error", job.Error);
                StatusJson.WriteTime(writer, "started_at", job.CreatedAt);
                StatusJson.WriteTime(writer, "finished_at",
                    job.State is DownloadJobState.Completed or DownloadJobState.Failed or DownloadJobState.Cancelled ? job.UpdatedAt : null);
                writer.WriteEndObject();
                await flush();
            }

            writer.WriteEndArray();
        });
    }

    private static async Task<IResult> CancelAsync(HttpContext context, JsonObject? body, DownloadService downloads, CancellationToken cancellationToken)
    {
        var instance = RucioSession.RequireNamespace(context);
        var id = body?["id"] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(id))
        {
            throw ApiProblemException.BadRequest("The body must name the transfer: {\"id\": \"<id>\"}.");
        }

        return await downloads.CancelAsync(instance, id, cancellationToken)
            ? Results.Json(new { success = true })
            : throw new ApiProblemException(StatusCodes.Status409Conflict, "This transfer is unknown or has already finished.", "TransferNotActive");
    }
}
