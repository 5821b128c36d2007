using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Rucio.Sandbox.Storage;

/// <summary>File checksums as Rucio writes them: adler32 as 8 lowercase hex digits, md5 as 32.</summary>
internal static class Checksums
{
    private const uint AdlerModulus = 65521;

    public static string Adler32(ReadOnlySpan<byte> data)
    {
        var state = new Adler32State();
        state.Append(data);
        return state.Hex;
    }

    public static string Md5(ReadOnlySpan<byte> data) => Convert.ToHexString(MD5.HashData(data)).ToLowerInvariant();

    public static async Task<(long Bytes, string Adler32, string Md5)> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var adler = new Adler32State();
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        long total = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                adler.Append(buffer.AsSpan(0, read));
                md5.AppendData(buffer, 0, read);
                total += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (total, adler.Hex, Convert.ToHexString(md5.GetHashAndReset()).ToLowerInvariant());
    }

    /// <summary>Running adler32, so large copies are checksummed while they stream.</summary>
    internal sealed class Adler32State
    {
        private uint _a = 1;
        private uint _b;

        public string Hex => ((_b << 16) | _a).ToString("x8", CultureInfo.InvariantCulture);

        public void Append(ReadOnlySpan<byte> data)
        {
            // Process in blocks small enough that the sums cannot overflow before the modulo.
            while (data.Length > 0)
            {
                var block = data[..Math.Min(data.Length, 5552)];
                foreach (var value in block)
                {
                    _a += value;
                    _b += _a;
                }

                _a %= AdlerModulus;
                _b %= AdlerModulus;
                data = data[block.Length..];
            }
        }
    }
}
