namespace Rucio.JupyterLab.Server.Features.Status;

/// <summary>
/// A PFN held in pieces: <see cref="Head"/> (one string shared by many files, e.g. the protocol, host and RSE
/// prefix), <see cref="Tail"/> (what is particular to the file, e.g. the hash directories) and, when
/// <see cref="EndsWithName"/>, the file's name, which the row holds anyway. For 100k files on one RSE this keeps a
/// few dozen bytes per file instead of a whole 100-character PFN string.
/// </summary>
internal readonly record struct CompactPfn(string? Head, string? Tail, bool EndsWithName)
{
    /// <summary>No PFN.</summary>
    public static CompactPfn None => default;

    public bool IsNone => Head is null;

    /// <summary>A PFN kept whole (no sharing): for the occasional file, where splitting buys nothing.</summary>
    public static CompactPfn Whole(string? pfn) => new(pfn, null, false);

    /// <summary>The PFN as text, given the name of the file it belongs to.</summary>
    public string? Expand(string name) =>
        Head is null ? null
        : Tail is null && !EndsWithName ? Head
        : string.Concat(Head, Tail, EndsWithName ? name : null);
}

/// <summary>
/// Splits the PFNs of one listing into <see cref="CompactPfn"/>s. The head is the directory part consecutive PFNs
/// share: it starts as the first PFN's directory and shrinks to the longest shared prefix ending with '/' when a PFN
/// differs (e.g. from the hash directories on, after the second PFN); only a PFN that shares nothing with it (another
/// host) starts a new one. A listing of one RSE so creates a handful of head strings and every row refers to one of
/// them. Not thread-safe: one per listing.
/// </summary>
internal sealed class PfnCompressor
{
    private string? _head;

    public CompactPfn Compress(string pfn, string name)
    {
        // The name is nearly always the PFN's last part; it is then not stored again.
        var endsWithName = name.Length > 0 && pfn.Length > name.Length && pfn.EndsWith(name, StringComparison.Ordinal);
        var stem = pfn.AsSpan(0, endsWithName ? pfn.Length - name.Length : pfn.Length);
        if (_head is null || !stem.StartsWith(_head, StringComparison.Ordinal))
        {
            var shared = _head is null ? 0 : stem[..stem.CommonPrefixLength(_head)].LastIndexOf('/') + 1;
            _head = shared > 0 ? _head![..shared] : stem[..(stem.LastIndexOf('/') + 1)].ToString();
        }

        var tail = stem.Length == _head.Length ? null : stem[_head.Length..].ToString();
        return new CompactPfn(_head, tail, endsWithName);
    }
}
