namespace Rucio.JupyterLab.Server.Features.FileBrowser;

/// <summary>
/// The directories the file browser may show: the user's home and Jupyter's root directory, compared after every
/// symlink is resolved, so neither <c>..</c> nor a link can lead outside them.
/// </summary>
internal sealed class PathConfinement
{
    private const int MaxLinkHops = 40;

    public PathConfinement(string homeDirectory, string? rootDirectory)
    {
        HomeDirectory = Path.GetFullPath(homeDirectory);
        var roots = new List<string> { Resolve(HomeDirectory) };
        if (rootDirectory is not null)
        {
            roots.Add(Resolve(Path.GetFullPath(rootDirectory)));
        }

        Roots = roots.Distinct(StringComparer.Ordinal).ToList();
    }

    public string HomeDirectory { get; }

    /// <summary>The allowed directories, symlinks resolved.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>
    /// Interprets a path as the existing extension did (empty means home, <c>~</c> expands, relative paths are taken
    /// from home) and returns its fully resolved form.
    /// </summary>
    public string ResolveRequest(string? requested)
    {
        var text = requested?.Trim() ?? "";
        if (text.Length == 0 || text == "~")
        {
            text = HomeDirectory;
        }
        else if (text.StartsWith("~/", StringComparison.Ordinal))
        {
            text = Path.Join(HomeDirectory, text[2..]);
        }
        else if (!Path.IsPathRooted(text))
        {
            text = Path.Join(HomeDirectory, text);
        }

        return Resolve(Path.GetFullPath(text));
    }

    public bool IsAllowed(string resolvedPath) =>
        Roots.Any(root => resolvedPath == root || resolvedPath.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal));

    /// <summary>
    /// Resolves every symbolic link in an absolute path, component by component (like POSIX <c>realpath</c>, but a
    /// missing tail is kept as written so the caller can report it).
    /// </summary>
    /// <exception cref="IOException">Too many levels of symbolic links.</exception>
    public static string Resolve(string absolutePath)
    {
        var remaining = new List<string>(absolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var current = "/";
        var hops = 0;
        while (remaining.Count > 0)
        {
            var part = remaining[0];
            remaining.RemoveAt(0);
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var next = Path.Join(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"Too many levels of symbolic links in '{absolutePath}'.");
            }

            if (Path.IsPathRooted(target))
            {
                current = "/";
            }

            remaining.InsertRange(0, target.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }

        return current;
    }
}
