using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>
/// Running adler32 (zlib's), so bytes are checksummed while they stream. Sums are reduced modulo 65521 only once per
/// block of at most <see cref="BlockSize"/> bytes (the largest block whose sums cannot overflow 32 bits), and with AVX2
/// each block is consumed 32 bytes at a time; the result is identical to zlib's byte-at-a-time definition.
/// </summary>
internal sealed class Adler32
{
    private const uint Modulus = 65521;

    // The largest n such that 255n(n+1)/2 + (n+1)(Modulus-1) fits in 32 bits: sums cannot overflow before the modulo.
    private const int BlockSize = 5552;

    // Whole 32-byte vectors per block: 173 × 32 = 5536 ≤ BlockSize.
    private const int VectorBlock = BlockSize / 32 * 32;

    private uint _a = 1;
    private uint _b;

    public uint Value => (_b << 16) | _a;

    public string Hex => Value.ToString("x8", CultureInfo.InvariantCulture);

    public void Append(ReadOnlySpan<byte> data)
    {
        uint a = _a, b = _b;
        if (Avx2.IsSupported)
        {
            while (data.Length >= 32)
            {
                var length = Math.Min(data.Length, VectorBlock) & ~31;
                (a, b) = BlockAvx2(a, b, data[..length]);
                data = data[length..];
            }
        }

        while (data.Length > 0)
        {
            var block = data[..Math.Min(data.Length, BlockSize)];
            (a, b) = BlockScalar(a, b, block);
            data = data[block.Length..];
        }

        _a = a;
        _b = b;
    }

    private static (uint A, uint B) BlockScalar(uint a, uint b, ReadOnlySpan<byte> block)
    {
        ref var start = ref MemoryMarshal.GetReference(block);
        var i = 0;

        // Four bytes per iteration keeps the dependency chain short; the sums are the same as one byte at a time.
        for (; i + 4 <= block.Length; i += 4)
        {
            a += Unsafe.Add(ref start, i);
            b += a;
            a += Unsafe.Add(ref start, i + 1);
            b += a;
            a += Unsafe.Add(ref start, i + 2);
            b += a;
            a += Unsafe.Add(ref start, i + 3);
            b += a;
        }

        for (; i < block.Length; i++)
        {
            a += Unsafe.Add(ref start, i);
            b += a;
        }

        return (a % Modulus, b % Modulus);
    }

    /// <summary>
    /// One block (a multiple of 32 bytes, at most <see cref="VectorBlock"/>). For each 32-byte vector v taken while the
    /// running sum is a: a += Σv, b += 32a + Σ(32−i)·v[i]. The 32a terms are collected as the sum of the byte sums of all
    /// previous vectors (<c>prefix</c>), so the loop carries no scalar dependency.
    /// </summary>
    private static (uint A, uint B) BlockAvx2(uint a, uint b, ReadOnlySpan<byte> block)
    {
        var weights = Vector256.Create(
            (sbyte)32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
            16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
        var ones = Vector256.Create((short)1);
        var sums = Vector256<uint>.Zero;
        var prefix = Vector256<uint>.Zero;
        var weighted = Vector256<uint>.Zero;
        ref var start = ref MemoryMarshal.GetReference(block);
        var vectors = block.Length / 32;
        for (var i = 0; i < vectors; i++)
        {
            var bytes = Vector256.LoadUnsafe(ref start, (nuint)(i * 32));
            prefix += sums;

            // Sum of absolute differences against zero: the byte sums of each 8-byte quarter, in the low half of 64-bit lanes.
            sums += Avx2.SumAbsoluteDifferences(bytes, Vector256<byte>.Zero).AsUInt32();

            // Unsigned bytes × signed weights, summed in pairs (≤ 255·63, no saturation), then in pairs again as 32-bit.
            weighted += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(bytes, weights), ones).AsUInt32();
        }

        // Each vector sum fits in 32 bits for one block, but 32·Σprefix plus the rest may not: combine in 64 bits.
        ulong newB = b
            + ((ulong)a * (ulong)block.Length)
            + ((ulong)Vector256.Sum(prefix) * 32)
            + Vector256.Sum(weighted);
        ulong newA = a + (ulong)Vector256.Sum(sums);
        return ((uint)(newA % Modulus), (uint)(newB % Modulus));
    }
}
