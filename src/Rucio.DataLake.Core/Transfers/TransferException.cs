namespace Rucio.DataLake.Core.Transfers;

/// <summary>Why a transfer failed, so callers can map it to a status, an exit code or a hint without parsing text.</summary>
internal enum TransferFailure
{
    /// <summary>The destination file system is full; the partial file was removed.</summary>
    DiskFull,

    /// <summary>The bytes do not match the size or checksum Rucio (or the source) holds.</summary>
    ChecksumMismatch,

    /// <summary>A different file already exists where the transfer would write; it was left untouched.</summary>
    DestinationExists,

    /// <summary>No replica can be read with a protocol this machine supports.</summary>
    NoUsableReplica,

    /// <summary>The RSE offers no write protocol this machine supports.</summary>
    NoWriteProtocol,

    /// <summary>The DID already exists in Rucio with different content.</summary>
    DidConflict,

    /// <summary>The storage refused or broke the transfer (HTTP status, xrdcp exit code, I/O error).</summary>
    StorageError,

    /// <summary>An external tool (xrdcp, xrdfs) is needed but not installed.</summary>
    ToolMissing,

    /// <summary>A local source file is missing or unreadable.</summary>
    SourceMissing,
}

/// <summary>
/// A transfer failure with a message a user can act on. Messages name files and DIDs but never tokens, passwords or
/// signed URLs.
/// </summary>
internal sealed class TransferException(TransferFailure failure, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public TransferFailure Failure { get; } = failure;
}
