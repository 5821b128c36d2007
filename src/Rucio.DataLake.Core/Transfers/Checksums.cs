using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

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

/// <summary>Running adler32 (zlib's), so bytes are checksummed while they stream.</summary>
internal sealed class Adler32
{
    private const uint Modulus = 65521;

    // The largest n such that 255n(n+1)/2 + (n+1)(Modulus-1) fits in 32 bits: sums cannot overflow before the modulo.
    private const int BlockSize = 5552;

    private uint _a = 1;
    private uint _b;

    public uint Value => (_b << 16) | _a;

    public string Hex => Value.ToString("x8", CultureInfo.InvariantCulture);

    public void Append(ReadOnlySpan<byte> data)
    {
        uint a = _a, b = _b;
        while (data.Length > 0)
        {
            var block = data[..Math.Min(data.Length, BlockSize)];
            foreach (var value in block)
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[block.Length..];
        }

        _a = a;
        _b = b;
    }
}

/// <summary>Checksums of files and streams, computed in one pass.</summary>
internal static class Checksums
{
    public const int BufferSize = 1 << 20;

    /// <summary>Rucio may store adler32 without leading zeros; compare on 8 lowercase digits.</summary>
    public static string NormalizeAdler32(string value) => value.Trim().ToLowerInvariant().PadLeft(8, '0');

    /// <summary>Reads the whole file once, computing adler32 and md5; <paramref name="onBytes"/> sees each chunk's size.</summary>
    public static async Task<FileChecksum> OfFileAsync(string path, Action<long>? onBytes, CancellationToken cancellationToken, bool withMd5 = true)
    {
        await using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite,
            BufferSize = 0,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
        });
        return await OfStreamAsync(stream, onBytes, cancellationToken, withMd5);
    }

    /// <summary>Adler32 always; md5 only when asked (it costs more CPU than the copy itself on small machines).</summary>
    public static async Task<FileChecksum> OfStreamAsync(Stream stream, Action<long>? onBytes, CancellationToken cancellationToken, bool withMd5 = true)
    {
        var adler = new Adler32();
        using var md5 = withMd5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                adler.Append(buffer.AsSpan(0, read));
                md5?.AppendData(buffer, 0, read);
                total += read;
                onBytes?.Invoke(read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new FileChecksum(total, adler.Hex, md5 is null ? null : Convert.ToHexStringLower(md5.GetHashAndReset()));
    }
}
