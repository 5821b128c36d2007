using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Rucio.Sandbox.Tests.Support;

/// <summary>Rucio's conventions, re-implemented here so that the tests do not trust the Sandbox's own code.</summary>
internal static class RucioPaths
{
    /// <summary>The "hash" lfn2pfn: scope (user.x → user/x) / md5(scope:name)[0:2] / [2:4] / name.</summary>
    public static string HashPath(string scope, string name)
    {
        var md5 = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(scope + ":" + name))).ToLowerInvariant();
        var scopePath = scope.StartsWith("user.", StringComparison.Ordinal) || scope.StartsWith("group.", StringComparison.Ordinal)
            ? scope.Replace('.', '/')
            : scope;
        return $"{scopePath}/{md5[..2]}/{md5[2..4]}/{name}";
    }

    public static string Adler32(ReadOnlySpan<byte> data)
    {
        const uint modulus = 65521;
        uint a = 1, b = 0;
        foreach (var value in data)
        {
            a = (a + value) % modulus;
            b = (b + a) % modulus;
        }

        return ((b << 16) | a).ToString("x8", CultureInfo.InvariantCulture);
    }

    public static string Md5(ReadOnlySpan<byte> data) => Convert.ToHexString(MD5.HashData(data)).ToLowerInvariant();
}
