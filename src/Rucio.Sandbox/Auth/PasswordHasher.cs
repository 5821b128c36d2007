using System.Security.Cryptography;
using System.Text;

namespace Rucio.Sandbox.Auth;

/// <summary>Salted PBKDF2 hashes for userpass identities; passwords are never stored in clear.</summary>
internal static class PasswordHasher
{
    private const int Iterations = 10_000;
    private const int HashBytes = 32;

    public static (string Hash, string Salt) Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return (Convert.ToHexString(Derive(password, salt)), Convert.ToHexString(salt));
    }

    public static bool Verify(string password, string hashHex, string saltHex)
    {
        var expected = Convert.FromHexString(hashHex);
        var actual = Derive(password, Convert.FromHexString(saltHex));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static byte[] Derive(string password, byte[] salt)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
}
