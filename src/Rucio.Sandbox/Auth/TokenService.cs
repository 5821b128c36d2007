using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Auth;

/// <summary>A freshly issued token and what it grants.</summary>
internal sealed record IssuedToken(string Token, string Account, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues Rucio tokens (<c>account-identity-appid-32hex</c>, stored in the database) and validates both those and
/// Sandbox JWTs. Token values are secrets: they are never logged or put in exception messages.
/// </summary>
internal sealed class TokenService(SandboxDatabase database, JwtSigner jwt, SandboxOptions options, TimeProvider time)
{
    public async Task<IssuedToken> AuthenticateUserpassAsync(string? account, string? username, string? password, string? appId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            throw RucioException.CannotAuthenticate("Cannot authenticate without passing all required arguments");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var candidates = await connection.ListAsync(
            "SELECT account, password_hash, salt, is_default FROM identities WHERE identity = $id AND identity_type = 'USERPASS'",
            r => (Account: r.GetString(0), Hash: r.Str("password_hash"), Salt: r.Str("salt"), IsDefault: r.GetInt64(3) != 0),
            cancellationToken,
            ("$id", username));
        var valid = candidates.Where(c => c.Hash is not null && c.Salt is not null && PasswordHasher.Verify(password, c.Hash, c.Salt)).ToList();
        if (valid.Count == 0)
        {
            throw new RucioException(StatusCodes.Status401Unauthorized, "IdentityNotFound", "Cannot authenticate. Username/Password pair does not exist.");
        }

        var chosen = ChooseAccount(valid.Select(v => (v.Account, v.IsDefault)), account);
        return await IssueAsync(connection, chosen, username, appId, cancellationToken);
    }

    /// <summary>Authenticates a certificate DN mapped to an x509 identity.</summary>
    public async Task<IssuedToken> AuthenticateX509Async(string? account, string distinguishedName, string? appId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var candidates = await connection.ListAsync(
            "SELECT account, is_default FROM identities WHERE identity = $id AND identity_type = 'X509'",
            r => (r.GetString(0), r.GetInt64(1) != 0),
            cancellationToken,
            ("$id", distinguishedName));
        if (candidates.Count == 0)
        {
            throw RucioException.CannotAuthenticate($"Cannot authenticate to account {account ?? "None"} with given credentials");
        }

        var chosen = ChooseAccount(candidates, account);
        return await IssueAsync(connection, chosen, distinguishedName, appId, cancellationToken);
    }

    /// <summary>The caller of a token, or null when the token is unknown, malformed or expired.</summary>
    public async Task<Issuer?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        if (token.Count(c => c == '.') == 2)
        {
            return await ValidateJwtAsync(connection, token, cancellationToken);
        }

        var row = await connection.FirstOrDefaultAsync(
            "SELECT t.account, t.identity, t.expires_at, t.audience, t.authz_scope, a.is_admin FROM tokens t JOIN accounts a ON a.account = t.account WHERE t.token = $token",
            r => new Issuer(r.GetString(0), r.GetString(1), RucioTime.FromStorage(r.GetString(2)), r.GetInt64(5) != 0, r.Str("audience"), r.Str("authz_scope")),
            cancellationToken,
            ("$token", token));
        return row is null || row.ExpiresAt <= time.GetUtcNow() ? null : row;
    }

    /// <summary>Issues a JWT for a userpass identity (the OIDC password grant).</summary>
    public async Task<string?> IssueJwtForPasswordAsync(string username, string password, string issuerUrl, string? audience, string? scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var candidates = await connection.ListAsync(
            "SELECT password_hash, salt FROM identities WHERE identity = $id AND identity_type = 'USERPASS'",
            r => (Hash: r.Str("password_hash"), Salt: r.Str("salt")),
            cancellationToken,
            ("$id", username));
        return candidates.Any(c => c.Hash is not null && c.Salt is not null && PasswordHasher.Verify(password, c.Hash, c.Salt))
            ? jwt.Issue(username, issuerUrl, audience, scope, options.TokenLifetime)
            : null;
    }

    /// <summary>Token exchange: a valid Sandbox JWT becomes a new one with a fresh lifetime.</summary>
    public string? ExchangeJwt(string subjectToken, string issuerUrl, string? audience, string? scope)
    {
        var claims = jwt.Verify(subjectToken);
        return claims is null
            ? null
            : jwt.Issue(claims.Subject, issuerUrl, audience ?? claims.Audience, scope ?? claims.Scope, options.TokenLifetime);
    }

    private async Task<Issuer?> ValidateJwtAsync(SqliteConnection connection, string token, CancellationToken cancellationToken)
    {
        var claims = jwt.Verify(token);
        if (claims is null)
        {
            return null;
        }

        // An OIDC identity is stored the way Rucio stores it ("SUB=<sub>, ISS=<iss>") or simply as the subject.
        var account = await connection.ScalarAsync(
            """
            SELECT account FROM identities
            WHERE (identity_type = 'OIDC' AND (identity = $sub OR identity LIKE $prefix ESCAPE '\'))
               OR (identity_type = 'USERPASS' AND identity = $sub)
            ORDER BY CASE identity_type WHEN 'OIDC' THEN 0 ELSE 1 END, is_default DESC, account LIMIT 1
            """,
            cancellationToken,
            ("$sub", claims.Subject),
            ("$prefix", "SUB=" + EscapeLike(claims.Subject) + ",%")) as string;
        if (account is null)
        {
            return null;
        }

        var isAdmin = await connection.ScalarAsync("SELECT is_admin FROM accounts WHERE account = $a", cancellationToken, ("$a", account));
        return isAdmin is null ? null : new Issuer(account, claims.Subject, claims.ExpiresAt, Convert.ToInt64(isAdmin, System.Globalization.CultureInfo.InvariantCulture) != 0, claims.Audience, claims.Scope);
    }

    private static string ChooseAccount(IEnumerable<(string Account, bool IsDefault)> candidates, string? requested)
    {
        var list = candidates.ToList();
        if (!string.IsNullOrEmpty(requested))
        {
            return list.Any(c => c.Account == requested)
                ? requested
                : throw RucioException.CannotAuthenticate($"Cannot authenticate to account {requested} with given credentials");
        }

        return list.OrderByDescending(c => c.IsDefault).ThenBy(c => c.Account, StringComparer.Ordinal).First().Account;
    }

    private async Task<IssuedToken> IssueAsync(SqliteConnection connection, string account, string identity, string? appId, CancellationToken cancellationToken)
    {
        var expiresAt = time.GetUtcNow().Add(options.TokenLifetime);
        var token = $"{account}-{identity}-{(string.IsNullOrEmpty(appId) ? "unknown" : appId)}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant()}";
        await connection.ExecuteAsync(
            "INSERT INTO tokens (token, account, identity, expires_at) VALUES ($t, $a, $i, $e)",
            cancellationToken,
            ("$t", token),
            ("$a", account),
            ("$i", identity),
            ("$e", RucioTime.ToStorage(expiresAt)));
        return new IssuedToken(token, account, expiresAt);
    }

    private static string EscapeLike(string text)
        => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
