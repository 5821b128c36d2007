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

    public async Task UploadAsync(string sourcePath, string pfn, FileChecksum checksum, TransferMeter meter, CancellationToken cancellationToken)
    {
        var destination = LocalPath(pfn);
        var part = StoragePaths.PartPath(destination, $"{checksum.Adler32}|{checksum.Bytes}|upload");
        try
        {
            await using (var input = OpenSource(sourcePath))
            await using (var output = LocalFiles.OpenPart(part, 0))
            {
                meter.Reset(0);
                await meter.CopyAsync(input, output, cancellationToken);
                LocalFiles.FlushToDisk(output);
            }

            // Re-reading what landed on the storage is the verification: the page cache may hide a device error,
            // but a bad copy (truncated source, concurrent writer) is caught here.
            var written = await Checksums.OfFileAsync(part, null, cancellationToken, withMd5: false);
            if (written.Bytes != checksum.Bytes || written.Adler32 != checksum.Adler32)
            {
                throw new TransferException(TransferFailure.ChecksumMismatch,
                    $"The copy of '{sourcePath}' on storage does not match the source (adler32 {written.Adler32} vs {checksum.Adler32}); did the file change during the upload?");
            }

            if (File.Exists(destination))
            {
                var existing = await Checksums.OfFileAsync(destination, null, cancellationToken, withMd5: false);
                if (existing.Bytes == checksum.Bytes && existing.Adler32 == checksum.Adler32)
                {
                    LocalFiles.DeleteQuietly(part);
                    return;
                }
            }

            // The deterministic path belongs to this DID, and the engine made sure no replica is registered there: what
            // is there is a leftover of an earlier failed attempt, which the new verified copy replaces.
            LocalFiles.Publish(part, destination, overwrite: true);
        }
        catch (Exception ex)
        {
            // The part is ours in every case: nothing partial stays on the storage.
            LocalFiles.DeleteQuietly(part);
            var translated = Translate(ex, pfn);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

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
