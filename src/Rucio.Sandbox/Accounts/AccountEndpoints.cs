using System.Runtime.CompilerServices;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Accounts;

/// <summary>/accounts/...: accounts, whoami and identities.</summary>
internal static class AccountEndpoints
{
    public static void MapAccounts(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/accounts").RequireRucioToken();
        api.MapGet("/", (HttpContext context, SandboxDatabase database) => RucioResults.Stream(context, ListRows(database, context.RequestAborted)));
        api.MapGet("/whoami", (HttpContext context) => FlaskRedirect.Redirect(StatusCodes.Status303SeeOther, context.Issuer().Account));
        api.MapGet("/{account}", GetAsync);
        api.MapPost("/{account}", AddAsync);
        api.MapGet("/{account}/identities", (HttpContext context, SandboxDatabase database, string account)
            => RucioResults.Stream(context, IdentityRows(database, account, context.RequestAborted)));
        api.MapPost("/{account}/identities", AddIdentityAsync);
        api.MapGet("/{account}/attr/", AttributesAsync);
    }

    private static async IAsyncEnumerable<object?> ListRows(SandboxDatabase database, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await foreach (var row in connection.QueryAsync(
            "SELECT account, account_type, email FROM accounts ORDER BY account",
            r => new PyDict { { "account", r.GetString(0) }, { "type", r.GetString(1) }, { "email", r.Str("email") } },
            cancellationToken))
        {
            yield return row;
        }
    }

    private static async Task<IResult> GetAsync(HttpContext context, SandboxDatabase database, string account)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var row = await connection.FirstOrDefaultAsync(
            "SELECT email, account, account_type, status, updated_at, created_at FROM accounts WHERE account = $a",
            r => new PyDict
            {
                { "email", r.Str("email") }, { "account", r.GetString(1) }, { "account_type", r.GetString(2) },
                { "status", r.GetString(3) }, { "deleted_at", null }, { "updated_at", RucioTime.Iso(r.GetString(4)) },
                { "suspended_at", null }, { "created_at", RucioTime.Iso(r.GetString(5)) },
            },
            context.RequestAborted,
            ("$a", account)) ?? throw RucioException.AccountNotFound(account);
        return RucioResults.Object(context, row);
    }

    private static async Task<IResult> AddAsync(HttpContext context, AccountStore accounts, string account)
    {
        Permissions.RequireAdmin(context.Issuer(), "add account");
        var body = await JsonBody.ReadAsync(context.Request);
        var type = body.String("type") ?? throw RucioException.KeyError("type");
        if (!await accounts.AddAccountAsync(account, type, body.String("email"), isAdmin: false, context.RequestAborted))
        {
            throw new RucioException(StatusCodes.Status409Conflict, "Duplicate", $"Account ID '{account}' already exists!");
        }

        return RucioResults.Created();
    }

    private static async IAsyncEnumerable<object?> IdentityRows(SandboxDatabase database, string account, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await AccountStore.RequireExistsAsync(connection, account, cancellationToken);
        await foreach (var row in connection.QueryAsync(
            "SELECT identity_type, identity, email FROM identities WHERE account = $a ORDER BY created_at, identity",
            r => new PyDict { { "type", r.GetString(0) }, { "identity", r.GetString(1) }, { "email", r.Str("email") } },
            cancellationToken,
            ("$a", account)))
        {
            yield return row;
        }
    }

    private static async Task<IResult> AddIdentityAsync(HttpContext context, AccountStore accounts, string account)
    {
        Permissions.RequireAdmin(context.Issuer(), "add identity");
        var body = await JsonBody.ReadAsync(context.Request);
        var identity = body.String("identity") ?? throw RucioException.KeyError("identity");
        var type = body.String("authtype") ?? throw RucioException.KeyError("authtype");
        var added = await accounts.AddIdentityAsync(
            account, identity, type, body.String("email"), body.String("password"), body.Bool("default") ?? false, context.RequestAborted);
        return added
            ? RucioResults.Created()
            : throw new RucioException(StatusCodes.Status409Conflict, "Duplicate", $"Identity pair '{identity}','{type.ToUpperInvariant()}' already exists!");
    }

    private static async Task<IResult> AttributesAsync(HttpContext context, SandboxDatabase database, string account)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var isAdmin = await connection.ScalarAsync("SELECT is_admin FROM accounts WHERE account = $a", context.RequestAborted, ("$a", account))
            ?? throw RucioException.AccountNotFound(account);
        var attributes = Convert.ToInt64(isAdmin, System.Globalization.CultureInfo.InvariantCulture) != 0
            ? new[] { new PyDict { { "key", "admin" }, { "value", true } } }
            : [];
        return RucioResults.Object(context, attributes);
    }
}
