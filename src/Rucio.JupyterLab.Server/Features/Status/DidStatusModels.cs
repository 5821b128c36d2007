using Rucio.Client;

namespace Rucio.JupyterLab.Server.Features.Status;

/// <summary>Per-file status, as the panel names it.</summary>
internal enum FileStatus : byte
{
    Ok,
    Replicating,
    Stuck,
    NotAvailable,
    Failed,
}

/// <summary>One file of a DID's status. <see cref="Path"/> is only set when the file can be opened locally.</summary>
internal sealed record StatusFile(string Scope, string Name, long? Size, FileStatus Status, string? Path, string? Pfn, string? Error)
{
    public string Did => $"{Scope}:{Name}";
}

/// <summary>A rule of the user that covers the DID on the destination (on the DID itself or on a parent).</summary>
internal sealed record RuleSummary(string Id, string State, string? RseExpression, DateTimeOffset? ExpiresAt, string? Error, string Scope, string Name);

/// <summary>
/// The status of one DID at one moment: every file, the rules involved and the aggregate. Computed from Rucio (replica
/// mode) or from the download jobs and the disk (download mode); immutable, so one snapshot serves any number of
/// requests and pages.
/// </summary>
internal sealed class DidStatusSnapshot
{
    public DidStatusSnapshot(Did did, string type, string mode, IReadOnlyList<StatusFile> files, IReadOnlyList<RuleSummary> rules, string? reason, DateTimeOffset refreshedAt)
    {
        Did = did;
        Type = type;
        Mode = mode;
        Files = files;
        Rules = rules;
        Reason = reason;
        RefreshedAt = refreshedAt;
        if (files is StatusFileTable table)
        {
            // Counting through the table's indexer would build a StatusFile (and map a path) per row.
            foreach (ref readonly var row in table.Rows)
            {
                Count(row.Status, row.Size < 0 ? 0 : row.Size);
            }
        }
        else
        {
            foreach (var file in files)
            {
                Count(file.Status, file.Size ?? 0);
            }
        }
    }

    public Did Did { get; }

    /// <summary><c>file</c>, <c>dataset</c> or <c>container</c>.</summary>
    public string Type { get; }

    /// <summary><c>replica</c> or <c>download</c>.</summary>
    public string Mode { get; }

    public IReadOnlyList<StatusFile> Files { get; }

    public IReadOnlyList<RuleSummary> Rules { get; }

    /// <summary>Why the DID is STUCK or FAILED (rule analysis or the job's error); null otherwise.</summary>
    public string? Reason { get; }

    public DateTimeOffset RefreshedAt { get; }

    public int Ok { get; private set; }

    public int Replicating { get; private set; }

    public int Stuck { get; private set; }

    public int Failed { get; private set; }

    public int NotAvailable { get; private set; }

    public long BytesTotal { get; private set; }

    public long BytesOk { get; private set; }

    /// <summary>The same DID, type and rules without any file: what a recomputation reuses, for almost no memory.</summary>
    public DidStatusSnapshot WithoutFiles() => new(Did, Type, Mode, [], Rules, Reason, RefreshedAt);

    private void Count(FileStatus status, long size)
    {
        BytesTotal += size;
        switch (status)
        {
            case FileStatus.Ok:
                Ok++;
                BytesOk += size;
                break;
            case FileStatus.Replicating:
                Replicating++;
                break;
            case FileStatus.Stuck:
                Stuck++;
                break;
            case FileStatus.Failed:
                Failed++;
                break;
            default:
                NotAvailable++;
                break;
        }
    }

    /// <summary>True while something is moving, so the snapshot goes stale sooner.</summary>
    public bool IsBusy => Replicating > 0;

    /// <summary>
    /// The collection state in the existing frontend's order (first match wins): EMPTY, REPLICATING, STUCK, FAILED,
    /// NOT_AVAILABLE, PARTIALLY_AVAILABLE, AVAILABLE.
    /// </summary>
    public string Aggregate =>
        Files.Count == 0 ? "EMPTY"
        : Replicating > 0 ? "REPLICATING"
        : Stuck > 0 ? "STUCK"
        : Failed > 0 ? "FAILED"
        : Ok == 0 ? "NOT_AVAILABLE"
        : Ok < Files.Count ? "PARTIALLY_AVAILABLE"
        : "AVAILABLE";

    public static string WireName(FileStatus status) => status switch
    {
        FileStatus.Ok => "OK",
        FileStatus.Replicating => "REPLICATING",
        FileStatus.Stuck => "STUCK",
        FileStatus.Failed => "FAILED",
        _ => "NOT_AVAILABLE",
    };
}
