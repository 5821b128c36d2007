using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rses;

namespace Rucio.Sandbox.Storage;

/// <summary>
/// The Sandbox's own storage protocol (the "http"/"https" protocol of every sandbox RSE): /storage/{rse}/{path}
/// with GET (ranges), HEAD, PUT (temporary name, length check, atomic rename) and DELETE. A valid token is needed.
/// </summary>
internal static class StorageEndpoints
{
    public static void MapStorage(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/storage").RequireRucioToken();
        api.MapMethods("/{rse}/{**path}", [HttpMethods.Get, HttpMethods.Head], ReadAsync);
        api.MapPut("/{rse}/{**path}", WriteAsync);
        api.MapDelete("/{rse}/{**path}", DeleteAsync);
    }

    private static async Task<IResult> ReadAsync(HttpContext context, SandboxDatabase database, StorageLayout storage, string rse, string path)
    {
        var file = await ResolveAsync(context, database, storage, rse, path);
        return File.Exists(file)
            ? Results.File(file, "application/octet-stream", enableRangeProcessing: true)
            : Results.Text("No such file\n", "text/plain", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> WriteAsync(HttpContext context, SandboxDatabase database, StorageLayout storage, string rse, string path)
    {
        var file = await ResolveAsync(context, database, storage, rse, path);
        var directory = Path.GetDirectoryName(file)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(file)}.upload-{Guid.NewGuid():N}");
        long written;
        try
        {
            await using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await context.Request.Body.CopyToAsync(target, context.RequestAborted);
                written = target.Length;
            }

            var expected = context.Request.ContentLength;
            if (expected is not null && expected != written)
            {
                File.Delete(temporary);
                return Results.Text($"Content-Length {expected} but {written} bytes received\n", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }

            File.Move(temporary, file, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            throw;
        }

        return Results.Text("Created\n", "text/plain", statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, SandboxDatabase database, StorageLayout storage, string rse, string path)
    {
        var file = await ResolveAsync(context, database, storage, rse, path);
        if (!File.Exists(file))
        {
            return Results.Text("No such file\n", "text/plain", statusCode: StatusCodes.Status404NotFound);
        }

        File.Delete(file);
        return Results.NoContent();
    }

    private static async Task<string> ResolveAsync(HttpContext context, SandboxDatabase database, StorageLayout storage, string rse, string path)
    {
        await using (var connection = await database.OpenAsync(context.RequestAborted))
        {
            await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        }

        var decoded = Uri.UnescapeDataString(path);
        return storage.LocalPath(rse, decoded)
            ?? throw new RucioException(StatusCodes.Status400BadRequest, "InvalidPath", "The storage path is not valid");
    }
}
