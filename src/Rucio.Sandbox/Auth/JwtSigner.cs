using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Auth;

/// <summary>Claims of a Sandbox-issued OIDC access token.</summary>
internal sealed record JwtClaims(string Subject, string Issuer, string? Audience, string? Scope, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues and verifies RS256 JWTs with a key kept in the data directory (file mode 0600), so tokens stay valid
/// across restarts on the same data directory.
/// </summary>
internal sealed class JwtSigner : IDisposable
{
    private const string KeyFileName = "oidc-signing-key.pem";
    private readonly RSA _rsa;
    private readonly TimeProvider _time;

    public JwtSigner(SandboxOptions options, TimeProvider time)
    {
        _time = time;
        _rsa = RSA.Create();
        var keyPath = Path.Combine(options.DataDirectory, KeyFileName);
        if (File.Exists(keyPath))
        {
            _rsa.ImportFromPem(File.ReadAllText(keyPath));
        }
        else
        {
            _rsa.KeySize = 2048;
            WritePrivateKey(keyPath, _rsa.ExportPkcs8PrivateKeyPem());
        }

        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        KeyId = Base64Url(SHA256.HashData(parameters.Modulus!))[..16];
    }

    public string KeyId { get; }

    public string Issue(string subject, string issuer, string? audience, string? scope, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow();
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = KeyId };
        var payload = new JsonObject
        {
            ["sub"] = subject,
            ["iss"] = issuer,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.Add(lifetime).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (audience is not null)
        {
            payload["aud"] = audience;
        }

        if (scope is not null)
        {
            payload["scope"] = scope;
        }

        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = _rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    /// <summary>Verifies signature, algorithm and expiry; null when the token is not acceptable.</summary>
    public JwtClaims? Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "RS256")
            {
                return null;
            }

            var signature = FromBase64Url(parts[2]);
            if (!_rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return null;
            }

            using var payload = JsonDocument.Parse(FromBase64Url(parts[1]));
            var root = payload.RootElement;
            var expiresAt = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
            if (expiresAt <= _time.GetUtcNow())
            {
                return null;
            }

            return new JwtClaims(
                root.GetProperty("sub").GetString() ?? string.Empty,
                root.TryGetProperty("iss", out var iss) ? iss.GetString() ?? string.Empty : string.Empty,
                root.TryGetProperty("aud", out var aud) && aud.ValueKind == JsonValueKind.String ? aud.GetString() : null,
                root.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.String ? scope.GetString() : null,
                expiresAt);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return null;
        }
    }

    public PyDict Jwks()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        var key = new PyDict
        {
            { "kty", "RSA" },
            { "use", "sig" },
            { "alg", "RS256" },
            { "kid", KeyId },
            { "n", Base64Url(parameters.Modulus!) },
            { "e", Base64Url(parameters.Exponent!) },
        };
        return new PyDict { { "keys", new[] { key } } };
    }

    public void Dispose() => _rsa.Dispose();

    private static void WritePrivateKey(string path, string pem)
    {
        var temporary = path + ".tmp";
        var streamOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, streamOptions))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(pem);
        }

        File.Move(temporary, path, overwrite: true);
    }

    internal static string Base64Url(byte[] bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        return Convert.FromBase64String(padded);
    }
}
