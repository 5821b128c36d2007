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
            return new StatusFile(row.Scope, row.Name, row.Size < 0 ? null : row.Size, row.Status, PathOf(row), row.Pfn, row.Error);
        }
    }

    /// <summary>The local path of a row: its explicit one, or the one its PFN maps to when the file is OK.</summary>
    public string? PathOf(in Row row) =>
        row.Path ?? (row.Status == FileStatus.Ok && row.Pfn is not null && PathMapper is not null ? PathMapper.Map(row.Pfn, out _) : null);

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
    /// by many rows (scope, a rule's reason) are the same instance in each.
    /// </summary>
    internal readonly record struct Row(string Scope, string Name, long Size, FileStatus Status, string? Pfn, string? Error, string? Path = null);
}
