using System.Text.Json;
using Rucio.Client;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Files;

/// <summary>
/// <c>GET files?namespace&amp;did=</c>: the files of a DID as <c>[{"did","size"}]</c>, streamed from one
/// <c>GET /dids/{scope}/{name}/files</c> (the Python backend listed every replica on every RSE for this). A file DID
/// lists itself. <c>poll</c> is accepted and ignored: every call reads Rucio.
/// </summary>
internal static class FilesEndpoints
{
    public static RouteGroupBuilder MapFiles(this RouteGroupBuilder api)
    {
        api.MapGet("/files", ListAsync);
        return api;
    }

    private static Task ListAsync(HttpContext context, RucioSession session, string? did)
    {
        if (!Did.TryParse(did?.Trim(), out var parsed))
        {
            throw ApiProblemException.BadRequest($"\"{did}\" is not a DID: write scope:name.");
        }

        return JsonArrayStreamer.StreamAsync(
            context,
            session,
            "list the files of " + parsed,
            "GET /dids/{scope}/{name}/files",
            (client, cancellationToken) => client.Dids.ListFilesAsync(parsed, cancellationToken: cancellationToken),
            static (writer, file) =>
            {
                writer.WriteStartObject();
                writer.WriteString("did", $"{file.Scope}:{file.Name}");
                if (file.Bytes is { } bytes)
                {
                    writer.WriteNumber("size", bytes);
                }
                else
                {
                    writer.WriteNull("size");
                }

                writer.WriteEndObject();
            });
    }
}
