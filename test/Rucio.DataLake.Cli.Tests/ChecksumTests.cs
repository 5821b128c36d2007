using System.Security.Cryptography;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.DataLake.Cli.Tests;

/// <summary>The block/SIMD adler32 against zlib (vectors from Python's zlib.adler32) and a byte-at-a-time reference.</summary>
public sealed class ChecksumTests
{
    // Expected values: zlib.adler32(Lcg(seed, length)) computed with /usr/bin/python3.
    [Theory]
    [InlineData(1, 0, "00000001")]
    [InlineData(1, 1, "00c700c7")]
    [InlineData(2, 31, "039c101a")]
    [InlineData(3, 32, "ff0610a1")]
    [InlineData(4, 33, "02561075")]
    [InlineData(5, 5551, "9a0f9886")]
    [InlineData(6, 5552, "5e6cd73b")]
    [InlineData(7, 5553, "1a91d1c0")]
    [InlineData(8, 5536, "e9c3cd2a")]
    [InlineData(9, 65536, "8b2a6d70")]
    [InlineData(10, 1000003, "4e92e7c9")]
    public void Adler32_matches_zlib(int seed, int length, string expected)
    {
        var adler = new Adler32();
        adler.Append(Lcg(seed, length));
        Assert.Equal(expected, adler.Hex);
    }

    [Fact]
    public void Adler32_matches_zlib_on_text_and_on_the_overflow_worst_case()
    {
        var text = new Adler32();
        text.Append("Wikipedia"u8);
        Assert.Equal("11e60398", text.Hex);

        // All 0xFF maximises both sums: any missed modulo would overflow here (zlib: d1cd5e21).
        var ones = new byte[(10 << 20) + 7];
        Array.Fill(ones, (byte)0xFF);
        var adler = new Adler32();
        adler.Append(ones);
        Assert.Equal("d1cd5e21", adler.Hex);
    }

    [Fact]
    public void Adler32_is_the_same_for_any_split_of_the_input_and_equals_the_naive_definition()
    {
        var random = new Random(1234);
        for (var round = 0; round < 20; round++)
        {
            var data = new byte[random.Next(0, 300_000)];
            random.NextBytes(data);
            var whole = new Adler32();
            whole.Append(data);
            var pieces = new Adler32();
            var offset = 0;
            while (offset < data.Length)
            {
                var length = Math.Min(data.Length - offset, random.Next(1, 9000));
                pieces.Append(data.AsSpan(offset, length));
                offset += length;
            }

            Assert.Equal(Naive(data), whole.Value);
            Assert.Equal(whole.Value, pieces.Value);
        }
    }

    [Fact]
    public async Task File_checksum_reads_the_whole_file_with_md5_like_the_framework()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("datalake-checksum-").FullName, "data.bin");
        var data = Lcg(77, (9 << 20) + 123);
        await File.WriteAllBytesAsync(path, data);
        long seen = 0;

        var checksum = await Checksums.OfFileAsync(path, n => seen += n, CancellationToken.None);

        Assert.Equal(data.Length, checksum.Bytes);
        Assert.Equal(data.Length, seen);
        Assert.Equal(Naive(data).ToString("x8", System.Globalization.CultureInfo.InvariantCulture), checksum.Adler32);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), checksum.Md5);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    /// <summary>The same generator as the Python script that produced the vectors above.</summary>
    internal static byte[] Lcg(int seed, int length)
    {
        var x = (uint)seed;
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            x = unchecked((x * 1103515245) + 12345);
            bytes[i] = (byte)(x >> 16);
        }

        return bytes;
    }

    private static uint Naive(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        foreach (var value in data)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        return (b << 16) | a;
    }
}
