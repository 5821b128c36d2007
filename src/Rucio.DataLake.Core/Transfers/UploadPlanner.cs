using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>A local file and the DID it becomes.</summary>
internal sealed record UploadItem(string LocalPath, Did Did);

/// <summary>
/// Turns command-line paths into upload items. A file becomes <c>scope:prefix+filename</c>; a directory is walked
/// recursively and each file becomes <c>scope:prefix+dirname/relative/path</c>, so its structure survives in the names.
/// Hidden files (including transfer part files) and symbolic links to directories are skipped.
/// </summary>
internal static class UploadPlanner
{
    public static IReadOnlyList<UploadItem> Plan(IEnumerable<string> paths, string scope, string? prefix)
    {
        var items = new List<UploadItem>();
        foreach (var given in paths)
        {
            var full = Path.GetFullPath(given);
            if (File.Exists(full))
            {
                items.Add(new UploadItem(full, new Did(scope, (prefix ?? string.Empty) + Path.GetFileName(full))));
            }
            else if (Directory.Exists(full))
            {
                var directory = new DirectoryInfo(full);
                foreach (var file in Walk(directory))
                {
                    var relative = Path.GetRelativePath(directory.FullName, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
                    items.Add(new UploadItem(file.FullName, new Did(scope, $"{prefix}{directory.Name}/{relative}")));
                }
            }
            else
            {
                throw new TransferException(TransferFailure.SourceMissing, $"'{given}' does not exist.");
            }
        }

        var duplicate = items.GroupBy(i => i.Did).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new TransferException(TransferFailure.DidConflict,
                $"Two files would become the same DID {duplicate.Key}: {string.Join(", ", duplicate.Select(i => i.LocalPath))}. Rename one or use --prefix.");
        }

        return items;
    }

    private static IEnumerable<FileInfo> Walk(DirectoryInfo directory)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Name.StartsWith('.'))
            {
                continue;
            }

            if (entry is FileInfo file)
            {
                yield return file;
            }
            else if (entry is DirectoryInfo child && child.LinkTarget is null)
            {
                foreach (var nested in Walk(child))
                {
                    yield return nested;
                }
            }
        }
    }
}
