using System.Collections;
using Rucio.JupyterLab.Server.Features.Replica;

namespace Rucio.JupyterLab.Server.Features.Status;

/// <summary>
/// The files of a status as compact rows instead of one <see cref="StatusFile"/> object each: a 100k-file snapshot
/// stays in memory for its whole freshness, so every byte per file counts. Local paths of replica-mode files are not
/// stored but derived from the PFN on read (<see cref="PathMapper"/>): a page of 200 maps 200 PFNs, and the path
/// strings, larger than the PFNs themselves, never live on the heap for the other 99,800.
/// </summary>
internal sealed class StatusFileTable : IReadOnlyList<StatusFile>
{
    private readonly Row[] _rows;

    /// <param name="rows">The files, in listing order; the table takes ownership of the array.</param>
    /// <param name="pathMapper">Derives the path of OK rows without an explicit one from their PFN; null when every path is explicit.</param>
    public StatusFileTable(Row[] rows, PfnPathMapper? pathMapper)
    {
        _rows = rows;
        PathMapper = pathMapper;
    }

    public PfnPathMapper? PathMapper { get; }

    public int Count => _rows.Length;

    /// <summary>The rows themselves, for whole-table passes (counting, serializing) that need no <see cref="StatusFile"/>.</summary>
    public ReadOnlySpan<Row> Rows => _rows;

    public StatusFile this[int index]
    {
        get
        {
            ref readonly var row = ref _rows[index];
            var pfn = row.Pfn;
            // The local path: the explicit one, or the one the PFN maps to when the file is OK.
            var path = row.Path ?? (row.Status == FileStatus.Ok && pfn is not null && PathMapper is not null ? PathMapper.Map(pfn, out _) : null);
            return new StatusFile(row.Scope, row.Name, row.Size < 0 ? null : row.Size, row.Status, path, pfn, row.Error);
        }
    }

    public IEnumerator<StatusFile> GetEnumerator()
    {
        for (var i = 0; i < _rows.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// One file. <see cref="Size"/> is -1 when unknown (a nullable long would cost 8 more bytes per row); strings shared
    /// by many rows (scope, a rule's reason, the head of the PFNs) are the same instance in each. The PFN is kept as a
    /// <see cref="CompactPfn"/> and only becomes text when a page is written.
    /// </summary>
    internal readonly struct Row
    {
        private readonly string? _pfnHead;
        private readonly string? _pfnTail;
        private readonly bool _pfnEndsWithName;

        public Row(string scope, string name, long size, FileStatus status, string? pfn, string? error, string? path = null)
            : this(scope, name, size, status, CompactPfn.Whole(pfn), error, path)
        {
        }

        public Row(string scope, string name, long size, FileStatus status, CompactPfn pfn, string? error, string? path = null)
        {
            Scope = scope;
            Name = name;
            Size = size;
            Status = status;
            Error = error;
            Path = path;
            // Flattened rather than a CompactPfn field: the struct's padding would cost 8 bytes per row.
            _pfnHead = pfn.Head;
            _pfnTail = pfn.Tail;
            _pfnEndsWithName = pfn.EndsWithName;
        }

        public string Scope { get; }

        public string Name { get; }

        public long Size { get; }

        public FileStatus Status { get; }

        public string? Error { get; }

        /// <summary>An explicit local path (download mode); replica-mode paths are derived from the PFN instead.</summary>
        public string? Path { get; }

        public CompactPfn CompactPfn => new(_pfnHead, _pfnTail, _pfnEndsWithName);

        public bool HasPfn => _pfnHead is not null;

        /// <summary>The PFN as text (built on each call when it is held in pieces).</summary>
        public string? Pfn => CompactPfn.Expand(Name);
    }
}
