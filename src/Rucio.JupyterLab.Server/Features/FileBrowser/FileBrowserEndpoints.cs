using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.FileBrowser;

/// <summary>
/// <c>GET file-browser?path=</c>: the entries of one directory as <c>[{"type":"file"|"dir","name","path"}]</c>,
/// dotfiles hidden, for the settings' file pickers. Confined to the user's home and Jupyter's root directory (the
/// Python backend listed any path); needs no <c>namespace</c> and no credentials (it does not talk to Rucio).
/// </summary>
internal static class FileBrowserEndpoints
{
    public static RouteGroupBuilder MapFileBrowser(this RouteGroupBuilder api)
    {
        api.MapGet("/file-browser", List);
        return api;
    }

    internal sealed record Entry(string Type, string Name, string Path);

    private static IResult List(string? path, PathConfinement confinement)
    {
        string directory;
        try
        {
            directory = confinement.ResolveRequest(path);
        }
        catch (IOException ex)
        {
            throw ApiProblemException.BadRequest(ex.Message);
        }

        if (!confinement.IsAllowed(directory))
        {
            throw new ApiProblemException(StatusCodes.Status403Forbidden,
                "This path is outside the folders you may browse (your home directory and the Jupyter root directory).");
        }

        if (!Directory.Exists(directory))
        {
            throw ApiProblemException.NotFound($"No such directory: {path}");
        }

        var entries = new List<Entry>();
        try
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.') || Describe(entry, confinement) is not { } type)
                {
                    continue;
                }

                entries.Add(new Entry(type, entry.Name, System.IO.Path.Join(directory, entry.Name)));
            }
        }
        catch (UnauthorizedAccessException)
        {
            throw new ApiProblemException(StatusCodes.Status403Forbidden, $"Permission denied: {path}");
        }

        return Results.Json(entries
            .OrderBy(e => e.Type == "dir" ? 0 : 1)
            .ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
            .ToList());
    }

    /// <summary>"dir" or "file"; null for entries to hide (broken links, links leading outside, devices).</summary>
    private static string? Describe(FileSystemInfo entry, PathConfinement confinement)
    {
        if (entry.LinkTarget is null)
        {
            return entry is DirectoryInfo ? "dir" : "file";
        }

        string target;
        try
        {
            target = PathConfinement.Resolve(entry.FullName);
        }
        catch (IOException)
        {
            return null;
        }

        if (!confinement.IsAllowed(target))
        {
            return null;
        }

        return Directory.Exists(target) ? "dir" : File.Exists(target) ? "file" : null;
    }
}
