using System.Security.Cryptography;
using System.Text;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Storage;

/// <summary>
/// Where bytes live: every RSE is the directory <c>DIR/rses/&lt;RSE&gt;/</c>, and a replica sits at its catalogue
/// path below it. Paths are confined to the RSE directory.
/// </summary>
internal sealed class StorageLayout(SandboxOptions options)
{
    public string RseDirectory(string rse) => Path.Combine(options.RseRootDirectory, rse);

    /// <summary>The local file of a replica; null when the relative path tries to leave the RSE directory.</summary>
    public string? LocalPath(string rse, string relativePath)
    {
        var root = Path.GetFullPath(RseDirectory(rse));
        var segments = relativePath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s is "." or ".."))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine([root, .. segments]));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>
    /// Rucio's default "hash" lfn2pfn: md5("scope:name") → scope-path/h[0:2]/h[2:4]/name, where user. and group.
    /// scopes become directories (user.root → user/root).
    /// </summary>
    public static string DeterministicPath(string scope, string name)
    {
        var hash = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes($"{scope}:{name}"))).ToLowerInvariant();
        var scopePath = scope.StartsWith("user.", StringComparison.Ordinal) || scope.StartsWith("group.", StringComparison.Ordinal)
            ? scope.Replace('.', '/')
            : scope;
        return $"{scopePath}/{hash[..2]}/{hash[2..4]}/{name}";
    }
}
