using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Accounts;

/// <summary>Accounts and identities (shared by the endpoints and the seeding).</summary>
internal sealed partial class AccountStore(SandboxDatabase database, TimeProvider time)
{
    [GeneratedRegex("^[a-z0-9-_]{1,25}$")]
    private static partial Regex AccountPattern();

    public static async Task RequireExistsAsync(SqliteConnection connection, string account, CancellationToken cancellationToken)
    {
        if (await connection.ScalarAsync("SELECT 1 FROM accounts WHERE account = $a", cancellationToken, ("$a", account)) is null)
        {
            throw RucioException.AccountNotFound(account);
        }
    }

    /// <summary>Adds an account; false when it exists already (seeding treats that as done).</summary>
    public async Task<bool> AddAccountAsync(string account, string type, string? email, bool isAdmin, CancellationToken cancellationToken)
    {
        if (!AccountPattern().IsMatch(account))
        {
            throw RucioException.InvalidObject($"Problem validating account : '{account}' does not match '^[a-z0-9-_]{{1,25}}$'");
        }

        if (type is not ("USER" or "GROUP" or "SERVICE"))
        {
            throw RucioException.InvalidObject($"Problem validating account_type : '{type}' is not one of ['USER', 'GROUP', 'SERVICE']");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var now = RucioTime.Now(time);
        var inserted = await connection.ExecuteAsync(
            "INSERT INTO accounts (account, account_type, email, is_admin, created_at, updated_at) VALUES ($a, $t, $e, $admin, $now, $now) ON CONFLICT DO NOTHING",
            cancellationToken,
            ("$a", account),
            ("$t", type),
            ("$e", email),
            ("$admin", isAdmin ? 1 : 0),
            ("$now", now));
        return inserted == 1;
    }

    /// <summary>Adds an identity for an account; a USERPASS password is stored hashed.</summary>
    public async Task<bool> AddIdentityAsync(string account, string identity, string type, string? email, string? password, bool isDefault, CancellationToken cancellationToken)
    {
        type = type.ToUpperInvariant();
        if (type is not ("USERPASS" or "X509" or "OIDC" or "GSS" or "SSH" or "SAML"))
        {
            throw RucioException.InvalidObject($"Problem validating authtype : '{type}' is not a valid identity type");
        }

        if (type == "USERPASS" && string.IsNullOrEmpty(password))
        {
            throw RucioException.InvalidObject("A password is required for a USERPASS identity");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await RequireExistsAsync(connection, account, cancellationToken);
        var (hash, salt) = password is null ? ((string?)null, (string?)null) : PasswordHasher.Hash(password);
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO identities (identity, identity_type, account, email, password_hash, salt, is_default, created_at)
            VALUES ($id, $type, $a, $e, $h, $s, $d, $now) ON CONFLICT DO NOTHING
            """,
            cancellationToken,
            ("$id", identity),
            ("$type", type),
            ("$a", account),
            ("$e", email),
            ("$h", hash),
            ("$s", salt),
            ("$d", isDefault ? 1 : 0),
            ("$now", RucioTime.Now(time)));
        return inserted == 1;
    }
}
