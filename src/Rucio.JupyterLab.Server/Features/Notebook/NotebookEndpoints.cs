using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Notebook;

/// <summary>
/// <c>GET notebook/resolve?namespace&amp;did</c>: what the kernel injection needs —
/// <c>{"did","type":"file"|"collection","available","status","files":[{"did","path","pfn"}]}</c>, listing only files
/// that can be opened (OK with a local path). <c>available</c> is true for an OK file or an AVAILABLE collection, as
/// the existing frontend decides <c>didAvailable</c>.
/// </summary>
internal static class NotebookEndpoints
{
    public static RouteGroupBuilder MapNotebook(this RouteGroupBuilder api)
    {
        api.MapGet("/notebook/resolve", ResolveAsync);
        return api;
    }

    private static async Task ResolveAsync(HttpContext context, RucioSession session, DidStatusService statuses, string? did, string? refresh)
    {
        var snapshot = await statuses.GetAsync(session, DidArgument.Require(did), refresh is "1" or "true", context.RequestAborted);
        var isFile = snapshot.Type == "file";
        var status = isFile
            ? snapshot.Files.Count == 1 ? DidStatusSnapshot.WireName(snapshot.Files[0].Status) : "NOT_AVAILABLE"
            : snapshot.Aggregate;
        await StatusJson.WriteAsync(context, async (writer, flush) =>
        {
            writer.WriteStartObject();
            writer.WriteString("did", snapshot.Did.ToString());
            writer.WriteString("type", isFile ? "file" : "collection");
            writer.WriteBoolean("available", isFile ? status == "OK" : status == "AVAILABLE");
            writer.WriteString("status", status);
            writer.WriteStartArray("files");
            foreach (var file in snapshot.Files)
            {
                if (file.Status != FileStatus.Ok || file.Path is null)
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("did", file.Did);
                writer.WriteString("path", file.Path);
                writer.WriteString("pfn", file.Pfn);
                writer.WriteEndObject();
                await flush();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }
}
