using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>
/// <c>file://</c> PFNs: storage mounted on this machine (a FUSE mount of EOS, a shared scratch volume). Usable only when
/// the protocol's prefix exists here.
/// </summary>
internal sealed class FileStorageProtocol : IStorageProtocol
{
    public IReadOnlyList<string> Schemes { get; } = ["file"];

    public bool CanUse(RseProtocol protocol, out string? reason)
    {
        var prefix = StoragePaths.NormalizedPrefix(protocol);
        if (Directory.Exists(prefix))
        {
            reason = null;
            return true;
        }

        reason = $"the storage directory {prefix} is not mounted on this machine";
        return false;
    }

    public async Task DownloadAsync(string pfn, string partPath, TransferMeter meter, CancellationToken cancellationToken)
    {
        var source = LocalPath(pfn);
        await using var input = OpenSource(source);
        var offset = Math.Max(0, LocalFiles.LengthOrMissing(partPath));
        if (offset > input.Length)
        {
            offset = 0;
        }

        await using var output = LocalFiles.OpenPart(partPath, offset);
        input.Position = offset;
        meter.Reset(offset);
        await meter.CopyAsync(input, output, cancellationToken);
        LocalFiles.FlushToDisk(output);
    }

    /// <summary>Copies with a checksum known in advance: the verified copy must have exactly that checksum.</summary>
    public async Task UploadAsync(string sourcePath, string pfn, FileChecksum checksum, TransferMeter meter, CancellationToken cancellationToken)
    {
        var staged = await StageAsync(sourcePath, pfn, meter, cancellationToken);
        if (staged.Checksum.Bytes != checksum.Bytes || staged.Checksum.Adler32 != checksum.Adler32)
        {
            LocalCopy.Discard(staged);
            throw new TransferException(TransferFailure.ChecksumMismatch,
                $"The copy of '{sourcePath}' on storage does not match the source (adler32 {staged.Checksum.Adler32} vs {checksum.Adler32}); did the file change during the upload?");
        }

        Publish(staged, pfn);
    }

    /// <summary>
    /// The first half of an upload that computes the checksum while copying (one read of the source): a verified copy
    /// under a hidden temporary name next to <paramref name="pfn"/> (see <see cref="LocalCopy"/>). The caller checks the
    /// checksum against the catalogue, then <see cref="Publish"/>es or <see cref="LocalCopy.Discard"/>s it.
    /// </summary>
    public async Task<StagedFile> StageAsync(string sourcePath, string pfn, TransferMeter meter, CancellationToken cancellationToken)
    {
        try
        {
            return await LocalCopy.StageAsync(sourcePath, LocalPath(pfn), meter, cancellationToken);
        }
        catch (Exception ex) when (Translate(ex, pfn) is var translated && !ReferenceEquals(translated, ex))
        {
            throw translated;
        }
    }

    /// <summary>
    /// Renames the staged copy to its final name. The deterministic path belongs to this DID and the engine made sure
    /// no replica is registered there: what is there is a leftover of an earlier failed attempt, which this replaces.
    /// </summary>
    public static void Publish(StagedFile staged, string pfn)
    {
        try
        {
            LocalCopy.Publish(staged);
        }
        catch (Exception ex) when (Translate(ex, pfn) is var translated && !ReferenceEquals(translated, ex))
        {
            LocalCopy.Discard(staged);
            throw translated;
        }
    }

    public Task<long?> GetSizeAsync(string pfn, CancellationToken cancellationToken)
    {
        var length = LocalFiles.LengthOrMissing(LocalPath(pfn));
        return Task.FromResult(length < 0 ? null : (long?)length);
    }

    public Task DeleteAsync(string pfn, CancellationToken cancellationToken)
    {
        File.Delete(LocalPath(pfn));
        return Task.CompletedTask;
    }

    private static string LocalPath(string pfn) =>
        StoragePaths.LocalPathOf(pfn) ?? throw new TransferException(TransferFailure.StorageError, $"'{pfn}' is not a file:// PFN.");

    private static FileStream OpenSource(string path)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new TransferException(TransferFailure.SourceMissing, $"'{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static Exception Translate(Exception exception, string pfn) => exception switch
    {
        TransferException or OperationCanceledException => exception,
        IOException io when LocalFiles.IsDiskFull(io) => new TransferException(TransferFailure.DiskFull, $"The storage behind {pfn} is full; nothing was written.", io),
        IOException or UnauthorizedAccessException => new TransferException(TransferFailure.StorageError, $"Writing {pfn} failed: {exception.Message}", exception),
        _ => exception,
    };
}
