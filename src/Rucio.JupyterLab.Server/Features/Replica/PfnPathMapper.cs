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
        refusal = null;
        if (UrlPath(pfn) is not { } urlPath)
        {
            refusal = "The replica's PFN is not a URL, so it cannot be mapped onto the mount path.";
            return null;
        }

        var path = urlPath.Trim('/');
        var rest = _pathBeginsAt <= 0 ? path : SplitKeepLast(path, _pathBeginsAt);
        if (rest.Contains('\0', StringComparison.Ordinal))
        {
            refusal = "The replica's PFN contains a NUL character.";
            return null;
        }

        var combined = Path.GetFullPath(Path.Join(_mount, rest));
        if (combined != _mount && !combined.StartsWith(_mountWithSeparator, StringComparison.Ordinal))
        {
            refusal = $"The replica's path would lead outside the mount path {_mount}; it is not offered for safety.";
            return null;
        }

        return combined;
    }

    /// <summary>
    /// The path part of a URL as Python's <c>urlparse</c> gives it: raw (no unescaping, no dot-segment folding, which
    /// <see cref="Uri"/> would do and so hide a ".." from the check below), without query or fragment.
    /// </summary>
    private static string? UrlPath(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !url[..schemeEnd].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            return null;
        }

        var authorityStart = schemeEnd + 3;
        var pathStart = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (pathStart < 0 || url[pathStart] != '/')
        {
            return "";
        }

        var pathEnd = url.IndexOfAny(['?', '#'], pathStart);
        return pathEnd < 0 ? url[pathStart..] : url[pathStart..pathEnd];
    }

    /// <summary>Python's <c>text.split('/', count)[-1]</c>.</summary>
    private static string SplitKeepLast(string text, int count)
    {
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            var slash = text.IndexOf('/', start);
            if (slash < 0)
            {
                break;
            }

            start = slash + 1;
        }

        return text[start..];
    }
}
