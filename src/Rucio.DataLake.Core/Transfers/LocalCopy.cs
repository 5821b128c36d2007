using Microsoft.Win32.SafeHandles;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>A verified copy waiting under its hidden temporary name for the atomic rename.</summary>
internal sealed record StagedFile(string PartPath, string FinalPath, FileChecksum Checksum);

/// <summary>
/// Copies a local file onto mounted storage in one pass over the source: every chunk read is checksummed (adler32 and
/// md5) and written from the same buffer, so the checksum that will be registered is the checksum of exactly the bytes
/// that were written. The next chunk is read while the current one is written and hashed.
/// <para>
/// What landed on the storage is then verified, in this order:
/// <list type="number">
/// <item>fsync of the part file: the bytes are on the device (or acknowledged by the network file system) before any
/// rename can publish them;</item>
/// <item>the part's length must equal the bytes checksummed (a quota or a FUSE driver that truncates silently);</item>
/// <item>the source's length and modification time must be unchanged (a file still being written is not uploaded as a
/// torn snapshot);</item>
/// <item>the part is re-read (adler32 only) and must match. On a network or FUSE mount this read comes from the
/// storage and catches a driver that stores other bytes; on a local disk it comes from the page cache and still catches
/// a concurrent writer. It costs one memory-speed read (about 0.1 s per GB), which is why it is kept.</item>
/// </list>
/// </para>
/// </summary>
internal static class LocalCopy
{
    /// <summary>
    /// Copies <paramref name="sourcePath"/> to the hidden part file of <paramref name="finalPath"/> and verifies it. The
    /// part name depends only on the final name, so a retry after a crash overwrites the leftover of the failed attempt;
    /// two uploads of the same name at once are kept apart by the exclusive lock on the part.
    /// </summary>
    public static async Task<StagedFile> StageAsync(string sourcePath, string finalPath, TransferMeter meter, CancellationToken cancellationToken)
    {
        var partPath = StoragePaths.PartPath(finalPath, "upload");
        using var source = OpenSource(sourcePath);
        Directory.CreateDirectory(Path.GetDirectoryName(partPath)!);

        // OpenOrCreate then truncate: the exclusive lock is taken before anything is cut, so the part of a concurrent
        // upload of the same name is never truncated (nor deleted below) by this one.
        using var part = File.OpenHandle(partPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
        try
        {
            if (RandomAccess.GetLength(part) != 0)
            {
                RandomAccess.SetLength(part, 0);
            }

            var before = Identity(source);
            var checksum = await CopyAsync(source, part, partPath, meter, cancellationToken);
            if (Identity(source) != before || checksum.Bytes != before.Length)
            {
                throw new TransferException(TransferFailure.ChecksumMismatch,
                    $"'{sourcePath}' changed while it was being uploaded; nothing was registered. Upload it again once it is complete.");
            }

            // Through the same handle: a second open would be refused by our own exclusive lock.
            var written = await Checksums.OfHandleAsync(part, null, cancellationToken, withMd5: false);
            if (written.Bytes != checksum.Bytes || written.Adler32 != checksum.Adler32)
            {
                throw new TransferException(TransferFailure.ChecksumMismatch,
                    $"The copy of '{sourcePath}' on storage does not match what was written ({written.Bytes} bytes, adler32 {written.Adler32}; expected {checksum.Bytes} bytes, adler32 {checksum.Adler32}); it was removed.");
            }

            return new StagedFile(partPath, finalPath, checksum);
        }
        catch
        {
            // The part is ours (we hold its lock): nothing partial stays on the storage.
            LocalFiles.DeleteQuietly(partPath);
            throw;
        }
    }

    /// <summary>Renames the verified part to its final name (atomic), replacing a leftover of an earlier attempt.</summary>
    public static void Publish(StagedFile staged) => LocalFiles.Publish(staged.PartPath, staged.FinalPath, overwrite: true);

    public static void Discard(StagedFile staged) => LocalFiles.DeleteQuietly(staged.PartPath);

    private static async Task<FileChecksum> CopyAsync(SafeFileHandle source, SafeFileHandle part, string partPath, TransferMeter meter, CancellationToken cancellationToken)
    {
        meter.Reset(0);
        await using var reader = new ReadAhead(source, cancellationToken);
        using var checksum = new ChecksumBuilder(withMd5: true);
        long offset = 0;
        ReadOnlyMemory<byte> chunk;
        while (!(chunk = await reader.NextAsync()).IsEmpty)
        {
            // The write runs on another thread while this one hashes the same (read-only) buffer.
            var write = RandomAccess.WriteAsync(part, chunk, offset, cancellationToken);
            checksum.Append(chunk.Span);
            await write;
            offset += chunk.Length;
            await meter.OnBytesAsync(chunk.Length, cancellationToken);
        }

        RandomAccess.FlushToDisk(part);
        var length = RandomAccess.GetLength(part);
        if (length != offset)
        {
            throw new TransferException(TransferFailure.StorageError, $"The storage kept {length} of the {offset} bytes written to '{partPath}'.");
        }

        return checksum.Result();
    }

    private static SafeFileHandle OpenSource(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new TransferException(TransferFailure.SourceMissing, $"'{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static (long Length, DateTime Modified) Identity(SafeFileHandle handle) =>
        (RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle));
}
