namespace Rucio.DataLake.Core.Transfers;

/// <summary>How a file's bytes reached the RSE, and whether this upload wrote them (and must remove them if refused).</summary>
internal sealed record Placed(string Rse, bool Deterministic, string Pfn, UploadPlacement Placement, bool WrittenByUs, string? LocalPath);

/// <summary>In-place registration of files that already sit on a mounted RSE's storage (the scratch space).</summary>
internal static class MountPlacement
{
    /// <summary>
    /// The file is on a mounted RSE: it is the replica when it already sits at its storage path (or the RSE is not
    /// deterministic); otherwise a hard link gives it the deterministic path without copying. Null when the mount
    /// refuses both link and copy (read-only), so the caller falls back to the write protocol.
    /// </summary>
    public static async Task<Placed?> TryPlaceAsync(UploadItem item, MountedRse mounted, FileChecksum checksum, CancellationToken cancellationToken)
    {
        if (!mounted.Deterministic)
        {
            return new Placed(mounted.Rse, false, "file://" + mounted.Protocol.Hostname + item.LocalPath, UploadPlacement.RegisteredInPlace, WrittenByUs: false, null);
        }

        var relative = StoragePaths.DeterministicPath(item.Did.Scope, item.Did.Name);
        var target = Path.GetFullPath(Path.Combine(mounted.LocalPrefix, relative));
        var pfn = StoragePaths.Pfn(mounted.Protocol, relative);
        if (string.Equals(target, Path.GetFullPath(item.LocalPath), StringComparison.Ordinal))
        {
            return new Placed(mounted.Rse, true, pfn, UploadPlacement.RegisteredInPlace, WrittenByUs: false, null);
        }

        try
        {
            if (File.Exists(target))
            {
                // Leftover of an earlier attempt (not registered, checked by the caller): keep it only if it is this content.
                var existing = await Checksums.OfFileAsync(target, null, cancellationToken, withMd5: false);
                if (existing.Bytes == checksum.Bytes && existing.Adler32 == checksum.Adler32)
                {
                    return new Placed(mounted.Rse, true, pfn, UploadPlacement.LinkedOnStorage, WrittenByUs: true, target);
                }

                File.Delete(target);
            }

            if (!LocalFiles.TryHardLink(item.LocalPath, target))
            {
                var meter = new TransferMeter(new ProgressTracker(1, checksum.Bytes, null), null);
                await new FileStorageProtocol().UploadAsync(item.LocalPath, "file://" + target, checksum, meter, cancellationToken);
            }

            return new Placed(mounted.Rse, true, pfn, UploadPlacement.LinkedOnStorage, WrittenByUs: true, target);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is IOException io && !LocalFiles.IsDiskFull(io)) || ex is TransferException { Failure: TransferFailure.StorageError })
        {
            return null;
        }
    }
}
