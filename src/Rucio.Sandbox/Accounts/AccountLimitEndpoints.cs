using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rses;

namespace Rucio.Sandbox.Accounts;

/// <summary>Account limits (quotas) and account usage.</summary>
internal static class AccountLimitEndpoints
{
    public static void MapAccountLimits(this IEndpointRouteBuilder app)
    {
        var limits = app.MapGroup("/accountlimits").RequireRucioToken();
        limits.MapPost("/local/{account}/{rse}", SetLocalLimitAsync);
        limits.MapPost("/{account}/{rse}", SetLocalLimitAsync);
        limits.MapDelete("/local/{account}/{rse}", DeleteLocalLimitAsync);

        var accounts = app.MapGroup("/accounts").RequireRucioToken();
        accounts.MapGet("/{account}/limits/local", (HttpContext c, SandboxDatabase db, string account) => LimitsAsync(c, db, account, null));
        accounts.MapGet("/{account}/limits/local/{rse}", (HttpContext c, SandboxDatabase db, string account, string rse) => LimitsAsync(c, db, account, rse));
        accounts.MapGet("/{account}/limits/global", (HttpContext c) => RucioResults.Object(c, new PyDict()));
        accounts.MapGet("/{account}/usage/local", (HttpContext c, SandboxDatabase db, string account) => RucioResults.Stream(c, UsageRows(db, account, null, c.RequestAborted)));
        accounts.MapGet("/{account}/usage/local/{rse}", (HttpContext c, SandboxDatabase db, string account, string rse) => RucioResults.Stream(c, UsageRows(db, account, rse, c.RequestAborted)));
        accounts.MapGet("/{account}/usage/global", (HttpContext c) => RucioResults.Stream(c, AsyncEnumerable.Empty<object?>()));
    }

    /// <summary>
    /// Bytes an account holds on each RSE, counted from its replica locks (every lock counts, as Rucio's
    /// account counters do). Real Rucio serves what abacus-account last aggregated; here it is always current.
    /// </summary>
    public static async Task<Dictionary<string, long>> UsageByRseAsync(SqliteConnection connection, string account, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var (rseId, bytes) in connection.QueryAsync(
            "SELECT rse_id, SUM(bytes) FROM locks WHERE account = $a GROUP BY rse_id",
            r => (r.GetString(0), r.GetInt64(1)),
            cancellationToken,
            ("$a", account)))
        {
            result[rseId] = bytes;
        }

        return result;
    }

    private static async Task<IResult> SetLocalLimitAsync(HttpContext context, SandboxDatabase database, string account, string rse)
    {
        Permissions.RequireAdmin(context.Issuer(), "set account limits");
        var body = await JsonBody.ReadAsync(context.Request);
        var bytes = JsonBody.AsLong(body.Required("bytes"), "bytes");
        await using var connection = await database.OpenAsync(context.RequestAborted);
        await AccountStore.RequireExistsAsync(connection, account, context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        await connection.ExecuteAsync(
            "INSERT INTO account_limits (account, rse_id, bytes) VALUES ($a, $r, $b) ON CONFLICT DO UPDATE SET bytes = excluded.bytes",
            context.RequestAborted,
            ("$a", account),
            ("$r", record.Id),
            ("$b", bytes));
        return RucioResults.Created();
    }

    private static async Task<IResult> DeleteLocalLimitAsync(HttpContext context, SandboxDatabase database, string account, string rse)
    {
        Permissions.RequireAdmin(context.Issuer(), "delete account limits");
        await using var connection = await database.OpenAsync(context.RequestAborted);
        await AccountStore.RequireExistsAsync(connection, account, context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        await connection.ExecuteAsync("DELETE FROM account_limits WHERE account = $a AND rse_id = $r", context.RequestAborted, ("$a", account), ("$r", record.Id));
        return RucioResults.EmptyOk();
    }

    private static async Task<IResult> LimitsAsync(HttpContext context, SandboxDatabase database, string account, string? rse)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        await AccountStore.RequireExistsAsync(connection, account, context.RequestAborted);
        var result = new PyDict();
        if (rse is not null)
        {
            var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
            result.Add(record.Name, await connection.ScalarAsync("SELECT bytes FROM account_limits WHERE account = $a AND rse_id = $r", context.RequestAborted, ("$a", account), ("$r", record.Id)));
            return RucioResults.Object(context, result);
        }

        await foreach (var (name, bytes) in connection.QueryAsync(
            "SELECT r.rse, l.bytes FROM account_limits l JOIN rses r ON r.id = l.rse_id WHERE l.account = $a ORDER BY r.rse",
            r => (r.GetString(0), r.GetInt64(1)),
            context.RequestAborted,
            ("$a", account)))
        {
            result.Add(name, bytes);
        }

        return RucioResults.Object(context, result);
    }

    private static async IAsyncEnumerable<object?> UsageRows(SandboxDatabase database, string account, string? rse, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await AccountStore.RequireExistsAsync(connection, account, cancellationToken);
        string? rseId = null;
        if (rse is not null)
        {
            rseId = (await RseStore.RequireAsync(connection, rse, cancellationToken)).Id;
        }

        await foreach (var row in connection.QueryAsync(
            """
            SELECT r.id, r.rse, COALESCE(u.bytes, 0), COALESCE(u.files, 0), COALESCE(l.bytes, 0)
            FROM rses r
            LEFT JOIN (SELECT rse_id, SUM(bytes) AS bytes, COUNT(*) AS files FROM locks WHERE account = $a GROUP BY rse_id) u ON u.rse_id = r.id
            LEFT JOIN account_limits l ON l.rse_id = r.id AND l.account = $a
            WHERE (u.rse_id IS NOT NULL OR l.rse_id IS NOT NULL OR r.id = $rse) AND ($rse IS NULL OR r.id = $rse)
            ORDER BY r.rse
            """,
            r => new PyDict
            {
                { "rse_id", r.GetString(0) }, { "rse", r.GetString(1) }, { "bytes", r.GetInt64(2) }, { "files", r.GetInt64(3) },
                { "bytes_limit", r.GetInt64(4) }, { "bytes_remaining", r.GetInt64(4) - r.GetInt64(2) },
            },
            cancellationToken,
            ("$a", account),
            ("$rse", rseId)))
        {
            yield return row;
        }
    }
}
