using System.Text.Json;
using System.Text.Json.Nodes;
using Rucio.Client;
using Rucio.JupyterLab.Server.Features.FileBrowser;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Upload;

/// <summary>A selected file or folder: as given, and resolved inside the allowed directories.</summary>
internal sealed record UploadSource(string GivenPath, string LocalPath, bool IsDirectory);

/// <summary>A validated <c>POST upload</c> body.</summary>
internal sealed record UploadRequest(IReadOnlyList<UploadSource> Sources, string Rse, string Scope, Did? Dataset, long? LifetimeSeconds)
{
    /// <summary>
    /// Reads the existing extension's body <c>{"file_paths","rse","scope","add_to_dataset","dataset_scope",
    /// "dataset_name","lifetime"}</c>; every problem is a 400 with a sentence, a path outside the allowed directories
    /// a 403, a missing one a 404. All paths are checked before any job is created.
    /// </summary>
    public static UploadRequest Parse(JsonObject? body, UploadPaths paths)
    {
        if (body is null)
        {
            throw ApiProblemException.BadRequest("The upload request has no body.");
        }

        if (body["file_paths"] is not JsonArray list || list.Count == 0)
        {
            throw ApiProblemException.BadRequest("Choose at least one file or folder to upload (file_paths must be a non-empty list).");
        }

        var given = list.Select(item => item is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null).ToList();
        if (given.Any(string.IsNullOrWhiteSpace))
        {
            throw ApiProblemException.BadRequest("Every entry of file_paths must be a non-empty path.");
        }

        var rse = Text(body, "rse") ?? throw ApiProblemException.BadRequest("Choose a destination RSE for the upload.");
        var scope = Text(body, "scope") ?? throw ApiProblemException.BadRequest("Choose the scope the uploaded files go into.");
        RequireScope(scope, "scope");

        Did? dataset = null;
        if (body["add_to_dataset"] is JsonValue add && add.GetValueKind() == JsonValueKind.True)
        {
            var datasetScope = Text(body, "dataset_scope") ?? scope;
            RequireScope(datasetScope, "dataset scope");
            var datasetName = Text(body, "dataset_name") ?? throw ApiProblemException.BadRequest("Give the name of the dataset the files are added to.");
            dataset = new Did(datasetScope, datasetName);
        }

        var sources = given.Select(path => paths.Resolve(path!)).ToList();
        var duplicate = sources.GroupBy(s => s.LocalPath, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw ApiProblemException.BadRequest($"'{duplicate.First().GivenPath}' is selected twice.");
        }

        return new UploadRequest(sources, rse, scope, dataset, Lifetime(body["lifetime"]));
    }

    private static string? Text(JsonObject body, string key) =>
        body[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Trim() is { Length: > 0 } text
            ? text
            : null;

    private static void RequireScope(string scope, string what)
    {
        if (scope.Contains(':', StringComparison.Ordinal) || scope.Contains('/', StringComparison.Ordinal))
        {
            throw ApiProblemException.BadRequest($"The {what} '{scope}' is not a Rucio scope.");
        }
    }

    /// <summary>Seconds, as the existing route takes them; null, absent or 0 mean no expiry.</summary>
    private static long? Lifetime(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var seconds)
            && seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds && seconds == Math.Floor(seconds))
        {
            return seconds == 0 ? null : (long)seconds;
        }

        throw ApiProblemException.BadRequest("lifetime must be a whole number of seconds, or null for a rule that does not expire.");
    }
}

/// <summary>
/// Resolves the file browser's paths: relative paths start at Jupyter's root directory (home when there is none),
/// <c>~</c> at home; every symlink is resolved and the result must lie in the root or home directory, exactly the
/// confinement of <c>file-browser</c> (so neither <c>..</c> nor a link leads outside).
/// </summary>
internal sealed class UploadPaths(PathConfinement confinement, string? rootDirectory)
{
    private readonly string _base = Path.GetFullPath(rootDirectory ?? confinement.HomeDirectory);

    public PathConfinement Confinement => confinement;

    public UploadSource Resolve(string given)
    {
        var text = given.Trim();
        var absolute = text == "~" ? confinement.HomeDirectory
            : text.StartsWith("~/", StringComparison.Ordinal) ? Path.Join(confinement.HomeDirectory, text[2..])
            : Path.IsPathRooted(text) ? text
            : Path.Join(_base, text);
        string resolved;
        try
        {
            resolved = PathConfinement.Resolve(Path.GetFullPath(absolute));
        }
        catch (IOException ex)
        {
            throw ApiProblemException.BadRequest(ex.Message);
        }

        if (!confinement.IsAllowed(resolved))
        {
            throw new ApiProblemException(StatusCodes.Status403Forbidden,
                $"'{given}' is outside the folders you may upload from (your home directory and the Jupyter root directory).");
        }

        return Directory.Exists(resolved) ? new UploadSource(given, resolved, true)
            : File.Exists(resolved) ? new UploadSource(given, resolved, false)
            : throw ApiProblemException.NotFound($"No such file or folder: {given}");
    }

    /// <summary>True when a file found inside a selected folder (possibly a link) still resolves inside the allowed directories.</summary>
    public bool IsInside(string path, out string resolved)
    {
        try
        {
            resolved = PathConfinement.Resolve(Path.GetFullPath(path));
            return confinement.IsAllowed(resolved);
        }
        catch (IOException)
        {
            resolved = path;
            return false;
        }
    }
}
