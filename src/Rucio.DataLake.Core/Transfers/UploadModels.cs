using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>Where uploaded files go and what Rucio should do with them.</summary>
internal sealed record UploadOptions
{
    /// <summary>The replication rule's RSE expression (<c>--rse</c>).</summary>
    public required string RuleRseExpression { get; init; }

    /// <summary>The RSE receiving copied bytes; null: the first RSE of <see cref="RuleRseExpression"/> writable from here.</summary>
    public string? WriteRse { get; init; }

    /// <summary>The rule's lifetime; null for none.</summary>
    public TimeSpan? RuleLifetime { get; init; }

    /// <summary>Attach the files to this dataset and put the rule on it instead of on each file.</summary>
    public Did? Dataset { get; init; }

    /// <summary>Create <see cref="Dataset"/> when it does not exist.</summary>
    public bool CreateDataset { get; init; } = true;

    /// <summary>
    /// Register files already on a mounted RSE's storage in place (no copy). <see cref="ScratchRse"/> limits the RSEs
    /// considered; null considers every RSE with a <c>file</c> protocol whose prefix exists here.
    /// </summary>
    public bool RegisterInPlace { get; init; } = true;

    public string? ScratchRse { get; init; }

    /// <summary>Restrict write protocols to these schemes (operators, tests); null allows all supported.</summary>
    public IReadOnlyCollection<string>? Schemes { get; init; }

    /// <summary>Files uploaded at the same time.</summary>
    public int Parallelism { get; init; } = 4;

    public string? RuleComment { get; init; }
}

/// <summary>How an uploaded file's bytes reached the RSE.</summary>
internal enum UploadPlacement
{
    /// <summary>Copied through the RSE's write protocol.</summary>
    Copied,

    /// <summary>The file was on the RSE's mounted storage; a hard link (or a local copy) gave it its deterministic path.</summary>
    LinkedOnStorage,

    /// <summary>The file itself is the replica (it already sits at its storage path, or the RSE is not deterministic).</summary>
    RegisteredInPlace,

    /// <summary>Rucio already had this file, with the same checksum, on the RSE.</summary>
    AlreadyRegistered,
}

/// <summary>The result for one file; <see cref="Error"/> is null on success.</summary>
internal sealed record UploadedFile(UploadItem Item, long Bytes, string? Adler32, string? Rse, string? Pfn, UploadPlacement? Placement, string? RuleId, string? Error, TransferFailure? Failure)
{
    public bool Succeeded => Error is null;
}

/// <summary>The outcome of an upload: per file, plus the dataset's rule when a dataset was used.</summary>
internal sealed record UploadReport(IReadOnlyList<UploadedFile> Files, string RuleRseExpression, Did? Dataset, string? DatasetRuleId)
{
    public bool AllSucceeded => Files.All(f => f.Succeeded);
}
