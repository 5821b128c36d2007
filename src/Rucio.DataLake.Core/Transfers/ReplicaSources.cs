using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>One place a file can be read from.</summary>
internal sealed record ReplicaSource(string Rse, string Pfn, IStorageProtocol Protocol);

/// <summary>
/// Orders the PFNs of a replica for download: AVAILABLE replicas only; preferred RSEs first; then local files (when the
/// path exists here), HTTP, xrootd; then the server's own priority. An XCache prefix goes in front of root PFNs.
/// </summary>
internal static class ReplicaSources
{
    public static IReadOnlyList<ReplicaSource> Order(Replica replica, StorageProtocols protocols, IReadOnlySet<string>? preferredRses, Uri? xcacheUrl)
    {
        var candidates = new List<(ReplicaSource Source, int Preferred, int Rank, int Priority)>();
        foreach (var (pfn, info) in replica.Pfns)
        {
            var rse = info.Rse;
            if (replica.States.TryGetValue(rse, out var state) && state != ReplicaState.Available)
            {
                continue;
            }

            var scheme = pfn[..Math.Max(0, pfn.IndexOf("://", StringComparison.Ordinal))].ToLowerInvariant();
            var protocol = protocols.For(scheme);
            if (protocol is null || (scheme == "file" && !File.Exists(StoragePaths.LocalPathOf(pfn))))
            {
                continue;
            }

            var url = scheme is "root" or "roots" && xcacheUrl is not null ? WithXCache(xcacheUrl, pfn) : pfn;
            candidates.Add((
                new ReplicaSource(rse, url, protocol),
                preferredRses is not null && preferredRses.Contains(rse) ? 0 : 1,
                protocols.Rank(scheme),
                info.Priority ?? int.MaxValue));
        }

        return [.. candidates.OrderBy(c => c.Preferred).ThenBy(c => c.Rank).ThenBy(c => c.Priority).Select(c => c.Source)];
    }

    /// <summary><c>root://cache:1094//root://origin:1094//path</c>: XCache's way of naming a remote file.</summary>
    public static string WithXCache(Uri xcacheUrl, string pfn) => $"{xcacheUrl.GetLeftPart(UriPartial.Authority)}//{pfn}";
}
