using System.Text.Json.Nodes;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Upload;

/// <summary>
/// The existing extension's upload routes: <c>POST upload</c> (one job per selected path), <c>GET upload/jobs</c>,
/// <c>GET|DELETE upload/jobs/details</c>, <c>GET upload/jobs/log</c>. Starting an upload is behind the credential
/// gate; the job routes read local state only, so they work while Rucio is down. Progress and cancel are the
/// <c>transfers</c> routes' (kind <c>upload</c>).
/// </summary>
internal static class UploadEndpoints
{
    public static RouteGroupBuilder MapUpload(this RouteGroupBuilder api)
    {
        api.MapPost("/upload", StartAsync);
        api.MapGet("/upload/jobs", ListAsync);
        api.MapGet("/upload/jobs/details", DetailsAsync);
        api.MapDelete("/upload/jobs/details", DeleteAsync);
        api.MapGet("/upload/jobs/log", LogAsync);
        return api;
    }

    private static async Task<IResult> StartAsync(RucioSession session, JsonObject? body, UploadPaths paths, UploadService uploads, CancellationToken cancellationToken)
    {
        var request = UploadRequest.Parse(body, paths);
        var jobs = await uploads.EnqueueAsync(session.Instance.Name, request, cancellationToken);
        return Results.Json(new { success = true, job_ids = jobs.Select(j => j.Id) });
    }

    private static async Task ListAsync(HttpContext context, UploadService uploads)
    {
        var instance = RucioSession.RequireNamespace(context);
        var jobs = await uploads.ListAsync(instance, context.RequestAborted);
        await StatusJson.WriteAsync(context, async (writer, flush) =>
        {
            writer.WriteStartArray();
            foreach (var job in jobs.OrderByDescending(j => j.CreatedAt))
            {
                WriteJob(writer, job);
                await flush();
            }

            writer.WriteEndArray();
        });
    }

    private static async Task DetailsAsync(HttpContext context, string? id, UploadService uploads)
    {
        var job = await uploads.GetAsync(RucioSession.RequireNamespace(context), RequireId(id), context.RequestAborted)
            ?? throw ApiProblemException.NotFound("This upload job does not exist (any more).");
        await StatusJson.WriteAsync(context, (writer, _) =>
        {
            WriteJob(writer, job);
            return Task.CompletedTask;
        });
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string? id, UploadService uploads, CancellationToken cancellationToken) =>
        await uploads.DeleteAsync(RucioSession.RequireNamespace(context), RequireId(id), cancellationToken) switch
        {
            true => Results.Json(new { success = true }),
            false => throw new ApiProblemException(StatusCodes.Status409Conflict,
                "This upload is still running. Cancel it in the Transfers tab, then remove it.", "TransferActive"),
            null => throw ApiProblemException.NotFound("This upload job does not exist (any more)."),
        };

    private static async Task<IResult> LogAsync(HttpContext context, string? id, UploadService uploads, CancellationToken cancellationToken) =>
        await uploads.ReadLogAsync(RucioSession.RequireNamespace(context), RequireId(id), cancellationToken) is { } text
            ? Results.Json(new { text })
            : Results.Json(new { text = "Logfile does not exist" }, statusCode: StatusCodes.Status404NotFound);

    private static string RequireId(string? id) =>
        string.IsNullOrWhiteSpace(id) ? throw ApiProblemException.BadRequest("Name the upload job: add ?id=<job id> to the request.") : id;

    private static void WriteJob(System.Text.Json.Utf8JsonWriter writer, UploadJob job)
    {
        writer.WriteStartObject();
        writer.WriteString("id", job.Id);
        writer.WriteString("namespace", job.Instance);
        writer.WriteString("did", job.Did.ToString());
        writer.WriteString("dataset_did", job.Dataset?.ToString());
        writer.WriteString("path", job.Path);
        writer.WriteString("rse", job.Rse);
        if (job.LifetimeSeconds is { } lifetime)
        {
            writer.WriteNumber("lifetime", lifetime);
        }
        else
        {
            writer.WriteNull("lifetime");
        }

        writer.WriteString("status", job.UploadStatus);
        writer.WriteNumber("bytes_done", job.BytesDone);
        writer.WriteNumber("bytes_total", job.BytesTotal);
        writer.WriteNumber("files_done", job.FilesDone);
        writer.WriteNumber("files_total", job.FilesTotal);
        writer.WriteString("error", job.Error);
        StatusJson.WriteTime(writer, "created_at", job.CreatedAt);
        writer.WriteEndObject();
    }
}
