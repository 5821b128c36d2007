using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>Where files live: Rucio's deterministic storage paths, PFNs, and the local download layout.</summary>
internal static class StoragePaths
{
    /// <summary>
    /// Rucio's default <c>hash</c> lfn2pfn: md5("scope:name") gives <c>scope-path/h0h1/h2h3/name</c>, where the dots
    /// of <c>user.*</c> and <c>group.*</c> scopes become directories (user.jdoe → user/jdoe).
    /// </summary>
    public static string DeterministicPath(string scope, string name)
    {
        var hash = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{scope}:{name}")));
        var scopePath = scope.StartsWith("user.", StringComparison.Ordinal) || scope.StartsWith("group.", StringComparison.Ordinal)
            ? scope.Replace('.', '/')
            : scope;
        return $"{scopePath}/{hash[..2]}/{hash[2..4]}/{name}";
    }

    /// <summary>A protocol's prefix with exactly one leading and one trailing slash, as Rucio's protocol classes build it.</summary>
    public static string NormalizedPrefix(RseProtocol protocol)
    {
        var prefix = (protocol.Prefix ?? string.Empty).Trim('/');
        return prefix.Length == 0 ? "/" : "/" + prefix + "/";
    }

    /// <summary><c>scheme://host[:port]/prefix/path</c>; port 0 is left out as the posix protocol does.</summary>
    public static string Pfn(RseProtocol protocol, string path)
    {
        var port = protocol.Port is { } p and not 0 ? ":" + p.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return $"{protocol.Scheme}://{protocol.Hostname}{port}{NormalizedPrefix(protocol)}{path.TrimStart('/')}";
    }

    /// <summary>The local path of a <c>file://</c> PFN, or null for any other scheme.</summary>
    public static string? LocalPathOf(string pfn)
    {
        if (!Uri.TryCreate(pfn, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeFile)
        {
            return null;
        }

        return Uri.UnescapeDataString(uri.AbsolutePath);
    }

    /// <summary>
    /// <c>root/scope/name</c> (names may contain '/', which become directories). Throws when the DID would escape
    /// <paramref name="root"/> (".." segments or absolute names), so a hostile catalogue cannot write elsewhere.
    /// </summary>
    public static string DownloadPath(string root, Did did)
    {
        var fullRoot = Path.GetFullPath(root);
        string[] segments = [did.Scope, .. did.Name.Split('/', StringSplitOptions.RemoveEmptyEntries)];
        if (segments.Any(s => s is "." or ".." || s.Contains('\0', StringComparison.Ordinal)))
        {
            throw new TransferException(TransferFailure.StorageError, $"The DID {did} cannot be mapped to a local path safely.");
        }

        var path = Path.GetFullPath(Path.Combine([fullRoot, .. segments]));
        return path.StartsWith(fullRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new TransferException(TransferFailure.StorageError, $"The DID {did} cannot be mapped to a local path safely.");
    }

    /// <summary>
    /// The temporary name a transfer writes before the atomic rename: hidden, in the same directory (same file system),
    /// and stable for a given content so an interrupted transfer can be resumed.
    /// </summary>
    public static string PartPath(string finalPath, string contentKey)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(contentKey)))[..12];
        return Path.Combine(Path.GetDirectoryName(finalPath)!, $".{Path.GetFileName(finalPath)}.part-{id}");
    }
}
