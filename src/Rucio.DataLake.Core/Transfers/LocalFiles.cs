using System.Runtime.InteropServices;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>Local file-system steps every engine needs: durable writes, atomic publication, hard links, disk-full detection.</summary>
internal static class LocalFiles
{
    private const int EnospcLinux = 28;
    private const int ErrorDiskFullWindows = unchecked((int)0x80070070);
    private const int ErrorHandleDiskFullWindows = unchecked((int)0x80070027);
    private const int EinvalLinux = 22;

    // open(2) flags with the same value on every Linux architecture (O_DIRECTORY differs, so it is not used).
    private const int OpenReadOnly = 0;
    private const int OpenCloseOnExec = 0x80000;

    /// <summary>True when the I/O error means "no space left on the device" (or the quota is exhausted).</summary>
    public static bool IsDiskFull(Exception exception) => exception is IOException io
        && (io.HResult is EnospcLinux or ErrorDiskFullWindows or ErrorHandleDiskFullWindows
            || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
            || io.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase));

    /// <summary>Opens a part file for writing at <paramref name="offset"/> (0 truncates), creating its directory.</summary>
    public static FileStream OpenPart(string partPath, long offset)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(partPath)!);
        var stream = new FileStream(partPath, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
            Options = FileOptions.Asynchronous,
        });
        try
        {
            if (stream.CanSeek)
            {
                // Only truncate when needed: devices and special files cannot be truncated.
                if (stream.Length != offset)
                {
                    stream.SetLength(offset);
                }

                stream.Position = offset;
            }

            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Flushes to the device, so a rename that follows never publishes bytes still in the page cache.</summary>
    public static void FlushToDisk(FileStream stream) => stream.Flush(flushToDisk: true);

    /// <summary>Length of a file, or -1 when it does not exist.</summary>
    public static long LengthOrMissing(string path)
    {
        // Follow a symbolic link: the length that matters is that of the file the bytes go to.
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
        }

        return info.Exists ? info.Length : -1;
    }

    /// <summary>Deletes a file if present, ignoring a concurrent removal.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the file is hidden (dot name) and recognisably partial, and will be overwritten next time.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    /// <summary>
    /// Publishes <paramref name="partPath"/> as <paramref name="finalPath"/> with one rename (atomic on POSIX). Without
    /// <paramref name="overwrite"/> an existing destination is never replaced.
    /// </summary>
    public static void Publish(string partPath, string finalPath, bool overwrite)
    {
        if (!overwrite && File.Exists(finalPath))
        {
            throw new TransferException(TransferFailure.DestinationExists, $"'{finalPath}' appeared while the transfer ran; it was left untouched.");
        }

        File.Move(partPath, finalPath, overwrite);
    }

    /// <summary>
    /// Creates a hard link (a second name for the same bytes, no copy). False when the file system refuses (other
    /// device, no hard-link support, permissions); the caller then copies.
    /// </summary>
    public static bool TryHardLink(string existingPath, string newPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(newPath)!);
        return Link(existingPath, newPath) == 0;
    }

    /// <summary>
    /// Makes renames and links into these directories durable (fsync of each directory, once). A rename is atomic but
    /// lives in the page cache until its directory is flushed; a replica is registered only after this, so a crash
    /// cannot leave Rucio pointing at a name the disk never recorded. On ext4/xfs the first fsync commits the journal
    /// for all of them, so the rest are nearly free: callers batch them per registration request.
    /// </summary>
    public static void SyncDirectories(IEnumerable<string> directories)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var directory in directories.Distinct(StringComparer.Ordinal))
        {
            var fd = Open(directory, OpenReadOnly | OpenCloseOnExec);
            if (fd < 0)
            {
                throw new IOException($"Cannot open the directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
            }

            try
            {
                // EINVAL: the file system does not support flushing directories (some FUSE mounts); nothing more can be done.
                if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != EinvalLinux)
                {
                    throw new IOException($"Flushing the directory '{directory}' failed (errno {errno}).", errno);
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }
    }

    // LibraryImport would need unsafe code enabled for the whole assembly; these few calls do not justify it.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "link", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Link(string existingPath, string newPath);

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054
}
