using System.Buffers.Text;
using System.Text.Json;

namespace Rucio.Client;

/// <summary>
/// An OIDC access token used as the Rucio token. Nothing is sent to the auth server: the JWT's <c>exp</c> claim
/// (read without signature check, the server verifies it) decides expiry, and an expired token fails fast.
/// </summary>
internal sealed class OidcCredential(OidcTokenSource source) : RucioCredential
{
    internal override bool IsLocal => true;

    internal override async Task<RucioToken> AcquireTokenAsync(AuthServerConnection connection, bool forceRefresh, CancellationToken cancellationToken)
    {
        var jwt = await source.ReadAsync(forceRefresh, cancellationToken);
        var expiresAt = JwtClaims.TryReadExpiry(jwt, out var exp) ? exp : DateTimeOffset.MaxValue;
        if (expiresAt <= connection.TimeProvider.GetUtcNow())
        {
            throw new RucioException(
                $"The OIDC token from {source.Description} expired at {expiresAt:u}. Obtain a fresh token (log in to "
                + "JupyterHub again or refresh the token at its source) and retry.",
                0,
                RucioException.TokenExpiredCode);
        }

        return new RucioToken(jwt, expiresAt, connection.Options.Account);
    }

    public override string ToString() => $"Oidc({source.Description})";
}

/// <summary>Where an OIDC token comes from: a fixed value, an environment variable or a file.</summary>
internal abstract class OidcTokenSource
{
    public abstract string Description { get; }

    public static OidcTokenSource FromValue(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return new FixedSource(token.Trim());
    }

    public static OidcTokenSource FromEnvironment(string variableName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variableName);
        return new EnvironmentSource(variableName);
    }

    public static OidcTokenSource FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new FileSource(path);
    }

    public abstract ValueTask<string> ReadAsync(bool forceRefresh, CancellationToken cancellationToken);

    private static RucioException Missing(string message) => new(message, 0, RucioException.InvalidCredentialCode);

    private sealed class FixedSource(string token) : OidcTokenSource
    {
        public override string Description => "the configured value";

        public override ValueTask<string> ReadAsync(bool forceRefresh, CancellationToken cancellationToken) => ValueTask.FromResult(token);
    }

    private sealed class EnvironmentSource(string variableName) : OidcTokenSource
    {
        public override string Description => $"environment variable {variableName}";

        public override ValueTask<string> ReadAsync(bool forceRefresh, CancellationToken cancellationToken)
        {
            var value = Environment.GetEnvironmentVariable(variableName);
            return string.IsNullOrWhiteSpace(value)
                ? throw Missing($"The environment variable {variableName} holding the OIDC token is not set or empty.")
                : ValueTask.FromResult(value.Trim());
        }
    }

    /// <summary>Re-reads the file only when its modification time or size changed (it is checked on every call).</summary>
    private sealed class FileSource(string path) : OidcTokenSource
    {
        private volatile Snapshot? _snapshot;

        public override string Description => $"file '{path}'";

        public override async ValueTask<string> ReadAsync(bool forceRefresh, CancellationToken cancellationToken)
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw Missing($"The OIDC token file '{path}' does not exist.");
            }

            var current = _snapshot;
            if (!forceRefresh && current is not null && current.LastWriteUtc == info.LastWriteTimeUtc && current.Length == info.Length)
            {
                return current.Token;
            }

            string text;
            try
            {
                text = await File.ReadAllTextAsync(path, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new RucioException($"Cannot read the OIDC token file '{path}': {ex.Message}", 0, RucioException.InvalidCredentialCode, ex);
            }

            var token = text.Trim();
            if (token.Length == 0)
            {
                throw Missing($"The OIDC token file '{path}' is empty.");
            }

            _snapshot = new Snapshot(info.LastWriteTimeUtc, info.Length, token);
            return token;
        }

        private sealed record Snapshot(DateTime LastWriteUtc, long Length, string Token);
    }
}

/// <summary>Reads claims from a JWT payload without validating it.</summary>
internal static class JwtClaims
{
    public static bool TryReadExpiry(string token, out DateTimeOffset expiresAt)
    {
        expiresAt = default;
        var parts = token.Split('.');
        if (parts.Length < 2 || parts[1].Length == 0)
        {
            return false;
        }

        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(parts[1]);
        }
        catch (FormatException)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isExp = reader.ValueTextEquals("exp"u8);
                reader.Read();
                if (isExp && reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var seconds))
                {
                    expiresAt = seconds >= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                        ? DateTimeOffset.MaxValue
                        : DateTimeOffset.FromUnixTimeMilliseconds((long)(Math.Max(seconds, 0) * 1000));
                    return true;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }
}
