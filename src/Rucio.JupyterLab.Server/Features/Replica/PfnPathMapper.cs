using System.Buffers;

namespace Rucio.JupyterLab.Server.Features.Replica;

/// <summary>
/// Maps a PFN on the destination RSE onto the RSE's mount, exactly as the existing extension does (reference §4.4):
/// take the PFN's path, strip leading and trailing '/', split on '/' at most <c>path_begins_at</c> times and keep the
/// last piece, join it to <c>rse_mount_path</c>. Example: <c>root://xrd1:1094//rucio/test/49/ad/f1.txt</c> with
/// <c>path_begins_at: 1</c> and mount <c>/eos/rucio</c> gives <c>/eos/rucio/test/49/ad/f1.txt</c>. Unlike the
/// existing extension, a result that leaves the mount (".." segments from a hostile or broken catalogue) is refused.
/// </summary>
internal sealed class PfnPathMapper
{
    private static readonly SearchValues<char> SchemeCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    private readonly string _mount;
    private readonly string _mountWithSeparator;
    private readonly int _pathBeginsAt;

    public PfnPathMapper(string mountPath, int pathBeginsAt)
    {
        _mount = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPath));
        _mountWithSeparator = _mount == "/" ? "/" : _mount + "/";
        _pathBeginsAt = pathBeginsAt;
        MountPath = mountPath;
    }

    /// <summary>The mount path as configured (stored with a snapshot so that it maps paths the same way when read back).</summary>
    public string MountPath { get; }

    public int PathBeginsAt => _pathBeginsAt;

    /// <summary>The local path, or null with the reason when the PFN cannot be mapped safely.</summary>
    public string? Map(string pfn, out string? refusal)
    {
        if (!TryRest(pfn, out var rest, out refusal))
        {
            return null;
        }

        var combined = Path.GetFullPath(Path.Join(_mount.AsSpan(), rest));
        if (combined != _mount && !combined.StartsWith(_mountWithSeparator, StringComparison.Ordinal))
        {
            refusal = $"The replica's path would lead outside the mount path {_mount}; it is not offered for safety.";
            return null;
        }

        return combined;
    }

    /// <summary>
    /// Whether <see cref="Map"/> gives a path (else the reason), without building it: a status checks every file
    /// but shows the paths of one page only. The usual relative part (no empty, "." or ".." segment) is joined to
    /// the mount unchanged, so it is inside by construction; anything else is decided by <see cref="Map"/> itself.
    /// </summary>
    public bool CanMap(string pfn, out string? refusal)
    {
        if (!TryRest(pfn, out var rest, out refusal))
        {
            return false;
        }

        return IsPlainRelative(rest) || Map(pfn, out refusal) is not null;
    }

    /// <summary>The part of the PFN's path that is joined to the mount, or false with the reason.</summary>
    private bool TryRest(string pfn, out ReadOnlySpan<char> rest, out string? refusal)
    {
        rest = default;
        refusal = null;
        if (!TryUrlPath(pfn, out var urlPath))
        {
            refusal = "The replica's PFN is not a URL, so it cannot be mapped onto the mount path.";
            return false;
        }

        var path = urlPath.Trim('/');
        rest = _pathBeginsAt <= 0 ? path : SplitKeepLast(path, _pathBeginsAt);
        if (rest.Contains('\0'))
        {
            refusal = "The replica's PFN contains a NUL character.";
            return false;
        }

        return true;
    }

    /// <summary>True when every '/'-separated segment is a plain name (not empty, ".", or "..").</summary>
    private static bool IsPlainRelative(ReadOnlySpan<char> rest)
    {
        if (rest.IsEmpty)
        {
            return true;
        }

        foreach (var range in rest.Split('/'))
        {
            var segment = rest[range];
            if (segment.IsEmpty || segment is "." or "..")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The path part of a URL as Python's <c>urlparse</c> gives it: raw (no unescaping, no dot-segment folding, which
    /// <see cref="Uri"/> would do and so hide a ".." from the check below), without query or fragment.
    /// </summary>
    private static bool TryUrlPath(ReadOnlySpan<char> url, out ReadOnlySpan<char> path)
    {
        path = default;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || url[..schemeEnd].ContainsAnyExcept(SchemeCharacters))
        {
            return false;
        }

        var authorityStart = schemeEnd + 3;
        var pathStart = url[authorityStart..].IndexOfAny('/', '?', '#');
        if (pathStart < 0 || url[authorityStart + pathStart] != '/')
        {
            path = [];
            return true;
        }

        path = url[(authorityStart + pathStart)..];
        var pathEnd = path.IndexOfAny('?', '#');
        if (pathEnd >= 0)
        {
            path = path[..pathEnd];
        }

        return true;
    }

    /// <summary>Python's <c>text.split('/', count)[-1]</c>.</summary>
    private static ReadOnlySpan<char> SplitKeepLast(ReadOnlySpan<char> text, int count)
    {
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            var slash = text[start..].IndexOf('/');
            if (slash < 0)
            {
                break;
            }

            start += slash + 1;
        }

        return text[start..];
    }
}
