namespace Rucio.DataLake.Core.Transfers;

/// <summary>A snapshot of a transfer: files and bytes done out of the totals, and the file being worked on.</summary>
internal readonly record struct TransferProgress(
    int FilesTotal,
    int FilesDone,
    int FilesFailed,
    long BytesTotal,
    long BytesDone,
    string? CurrentFile);

/// <summary>
/// Thread-safe counters shared by the parallel workers of one transfer; every change is reported to the sink, which
/// must be cheap (the CLI updates a progress bar, the queue keeps the latest value in memory).
/// </summary>
internal sealed class ProgressTracker(int filesTotal, long bytesTotal, IProgress<TransferProgress>? sink)
{
    private long _bytesDone;
    private int _filesDone;
    private int _filesFailed;
    private string? _current;

    public TransferProgress Snapshot => new(filesTotal, Volatile.Read(ref _filesDone), Volatile.Read(ref _filesFailed), bytesTotal, Interlocked.Read(ref _bytesDone), Volatile.Read(ref _current));

    public void Started(string file)
    {
        Volatile.Write(ref _current, file);
        sink?.Report(Snapshot);
    }

    public void AddBytes(long bytes)
    {
        Interlocked.Add(ref _bytesDone, bytes);
        sink?.Report(Snapshot);
    }

    public void FileSucceeded()
    {
        Interlocked.Increment(ref _filesDone);
        sink?.Report(Snapshot);
    }

    public void FileFailed()
    {
        Interlocked.Increment(ref _filesFailed);
        sink?.Report(Snapshot);
    }
}

/// <summary>
/// Counts the bytes of one file and optionally limits their rate. A retry against another source rewinds the count,
/// so the overall progress never runs past the total.
/// </summary>
internal sealed class TransferMeter(ProgressTracker tracker, BandwidthLimiter? limiter)
{
    private long _fileBytes;

    public long FileBytes => Interlocked.Read(ref _fileBytes);

    public async ValueTask OnBytesAsync(int count, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _fileBytes, count);
        tracker.AddBytes(count);
        if (limiter is not null)
        {
            await limiter.WaitAsync(count, cancellationToken);
        }
    }

    /// <summary>Sets this file's count to <paramref name="bytes"/> (e.g. the size of a resumed part, or 0 on restart).</summary>
    public void Reset(long bytes)
    {
        var previous = Interlocked.Exchange(ref _fileBytes, bytes);
        tracker.AddBytes(bytes - previous);
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/>, counting (and pacing) every chunk.</summary>
    public async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Checksums.BufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, Checksums.BufferSize), cancellationToken)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await OnBytesAsync(read, cancellationToken);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>
/// A shared byte-rate cap (token bucket without burst beyond one second), so uploads can be gentle on shared storage.
/// Zero or negative means unlimited.
/// </summary>
internal sealed class BandwidthLimiter(long bytesPerSecond, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly long _start = time.GetTimestamp();
    private long _granted;

    public async ValueTask WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        if (bytesPerSecond <= 0)
        {
            return;
        }

        TimeSpan wait;
        lock (_gate)
        {
            _granted += bytes;
            var due = TimeSpan.FromSeconds((double)_granted / bytesPerSecond);
            wait = due - time.GetElapsedTime(_start);
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }
}

/// <summary>A read-only stream that reports every chunk read to a meter; used to send local files to storage.</summary>
internal sealed class MeteredReadStream(Stream inner, TransferMeter meter, Action? onActivity = null) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            onActivity?.Invoke();
            await meter.OnBytesAsync(read, cancellationToken);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
