using Rucio.Client;

namespace Rucio.JupyterLab.Server.Features.Upload;

/// <summary>States of an upload job.</summary>
internal enum UploadJobState
{
    /// <summary>Waiting for a worker.</summary>
    Queued,

    /// <summary>A worker of this process is uploading it.</summary>
    Running,

    /// <summary>Every file is registered and covered by the rule.</summary>
    Completed,

    /// <summary>A file or the whole job failed, or the backend stopped while it ran; uploading again finishes it.</summary>
    Failed,

    /// <summary>Stopped by the user.</summary>
    Cancelled,
}

/// <summary>One selected file or folder of an upload request, as stored and reported.</summary>
internal sealed record UploadJob
{
    public required string Id { get; init; }

    public required string Instance { get; init; }

    /// <summary>The file's DID; for a folder, the folder's name in the scope (its files are <c>folder/relative/path</c>).</summary>
    public required Did Did { get; init; }

    public Did? Dataset { get; init; }

    /// <summary>The path as the file browser gave it (relative to the Jupyter root).</summary>
    public required string Path { get; init; }

    /// <summary>The path with every symlink resolved, checked to lie inside the root or home directory.</summary>
    public required string LocalPath { get; init; }

    /// <summary>The rule's RSE expression.</summary>
    public required string Rse { get; init; }

    /// <summary>The rule's lifetime in seconds; null for none.</summary>
    public long? LifetimeSeconds { get; init; }

    public UploadJobState State { get; init; }

    public int FilesTotal { get; init; }

    public int FilesDone { get; init; }

    public long BytesTotal { get; init; }

    public long BytesDone { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsActive => State is UploadJobState.Queued or UploadJobState.Running;

    public bool IsFinished => !IsActive;

    /// <summary>The existing extension's status vocabulary (<c>upload/jobs</c>): a queued job is already "uploading".</summary>
    public string UploadStatus => State switch
    {
        UploadJobState.Queued or UploadJobState.Running => "UPLOADING",
        UploadJobState.Completed => "OK",
        UploadJobState.Failed => "FAILED",
        _ => "CANCELLED",
    };

    /// <summary>The Transfers tab's vocabulary, shared with downloads.</summary>
    public string TransferStatus => State switch
    {
        UploadJobState.Queued => "QUEUED",
        UploadJobState.Running => "RUNNING",
        UploadJobState.Completed => "DONE",
        UploadJobState.Failed => "FAILED",
        _ => "CANCELLED",
    };
}
