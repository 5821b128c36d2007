using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>Size and checksums of a file as Rucio writes them: adler32 as 8 lowercase hex digits, md5 as 32.</summary>
internal sealed record FileChecksum(long Bytes, string Adler32, string? Md5)
{
    /// <summary>
    /// True when these bytes are the file Rucio describes: same size, and the same adler32 (or md5 when Rucio has no
    /// adler32). Rucio without any checksum cannot be verified, which counts as a mismatch.
    /// </summary>
    public bool Matches(long? expectedBytes, string? expectedAdler32, string? expectedMd5)
    {
        if (expectedBytes is { } size && size != Bytes)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(expectedAdler32))
        {
            return Checksums.NormalizeAdler32(expectedAdler32) == Adler32;
        }

        return !string.IsNullOrEmpty(expectedMd5) && Md5 is not null && string.Equals(expectedMd5, Md5, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Adler32 and (optionally) md5 of bytes appended in order, with their count.</summary>
internal sealed class ChecksumBuilder : IDisposable
{
    private readonly Adler32 _adler = new();
    private readonly IncrementalHash? _md5;

    public ChecksumBuilder(bool withMd5) => _md5 = withMd5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;

    public long Bytes { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _adler.Append(data);
        _md5?.AppendData(data);
        Bytes += data.Length;
    }

    public FileChecksum Result() => new(Bytes, _adler.Hex, _md5 is null ? null : Convert.ToHexStringLower(_md5.GetHashAndReset()));

    public void Dispose() => _md5?.Dispose();
}

/// <summary>Checksums of files and streams, computed in one pass.</summary>
internal static class Checksums
{
    public const int BufferSize = 1 << 20;

    /// <summary>Chunk size for local files: few system calls, and large enough for the read-ahead to stay busy.</summary>
    public const int LocalBufferSize = 4 << 20;

    /// <summary>Rucio may store adler32 without leading zeros; compare on 8 lowercase digits.</summary>
    public static string NormalizeAdler32(string value) => value.Trim().ToLowerInvariant().PadLeft(8, '0');

    /// <summary>
    /// Reads the whole file once, computing adler32 and md5; <paramref name="onBytes"/> sees each chunk's size. The next
    /// chunk is read while the current one is hashed, so a file that is not in the page cache costs max(read, hash).
    /// </summary>
    public static async Task<FileChecksum> OfFileAsync(string path, Action<long>? onBytes, CancellationToken cancellationToken, bool withMd5 = true)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await OfHandleAsync(handle, onBytes, cancellationToken, withMd5);
    }

    /// <summary>The checksums of everything readable through <paramref name="handle"/>, from offset 0.</summary>
    public static async Task<FileChecksum> OfHandleAsync(SafeFileHandle handle, Action<long>? onBytes, CancellationToken cancellationToken, bool withMd5 = true)
    {
        await using var reader = new ReadAhead(handle, cancellationToken);
        using var checksum = new ChecksumBuilder(withMd5);
        ReadOnlyMemory<byte> chunk;
        while (!(chunk = await reader.NextAsync()).IsEmpty)
        {
            checksum.Append(chunk.Span);
            onBytes?.Invoke(chunk.Length);
        }

        return checksum.Result();
    }

    /// <summary>Adler32 always; md5 only when asked (it costs more CPU than the copy itself on small machines).</summary>
    public static async Task<FileChecksum> OfStreamAsync(Stream stream, Action<long>? onBytes, CancellationToken cancellationToken, bool withMd5 = true)
    {
        using var checksum = new ChecksumBuilder(withMd5);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                checksum.Append(buffer.AsSpan(0, read));
                onBytes?.Invoke(read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return checksum.Result();
    }
}

/// <summary>
/// Sequential reads of a local file with one chunk of read-ahead: while the caller works on the chunk it got, the next
/// one is being read into a second buffer. A chunk stays valid until the next call to <see cref="NextAsync"/>.
/// </summary>
internal sealed class ReadAhead : IAsyncDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[][] _buffers = [ArrayPool<byte>.Shared.Rent(Checksums.LocalBufferSize), ArrayPool<byte>.Shared.Rent(Checksums.LocalBufferSize)];
    private ValueTask<int> _pending;
    private bool _outstanding;
    private int _next;
    private long _offset;

    public ReadAhead(SafeFileHandle handle, CancellationToken cancellationToken)
    {
        _handle = handle;
        _cancellationToken = cancellationToken;
        Start();
    }

    /// <summary>Bytes handed out so far.</summary>
    public long Position => _offset;

    /// <summary>The next chunk, or an empty one at the end of the file.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> NextAsync()
    {
        var buffer = _buffers[_next];
        _outstanding = false;
        var read = await _pending;
        if (read == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        _offset += read;
        _next ^= 1;
        Start();
        return buffer.AsMemory(0, read);
    }

    public async ValueTask DisposeAsync()
    {
        // A read still running writes into a pooled buffer: wait for it before the buffers go back to the pool.
        if (_outstanding)
        {
            try
            {
                await _pending;
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or UnauthorizedAccessException)
            {
                // The caller is already failing; this read's outcome no longer matters.
            }
        }

        ArrayPool<byte>.Shared.Return(_buffers[0]);
        ArrayPool<byte>.Shared.Return(_buffers[1]);
    }

    private void Start()
    {
        _pending = RandomAccess.ReadAsync(_handle, _buffers[_next].AsMemory(0, Checksums.LocalBufferSize), _offset, _cancellationToken);
        _outstanding = true;
    }
}
