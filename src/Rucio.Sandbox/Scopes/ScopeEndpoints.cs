using System.Text.RegularExpressions;
using Rucio.Sandbox.Accounts;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Scopes;

/// <summary>Scopes: GET /scopes/, GET/POST /accounts/{account}/scopes/...</summary>
internal static partial class ScopeEndpoints
{
    [GeneratedRegex(@"^[a-zA-Z_\-.0-9]{1,25}$")]
    private static partial Regex ScopePattern();

    public static void MapScopes(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").RequireRucioToken();
        api.MapGet("/scopes/", ListAsync);
        api.MapGet("/accounts/{account}/scopes/", ListForAccountAsync);
        api.MapPost("/accounts/{account}/scopes/{scope}", AddAsync);
    }

    /// <summary>Adds a scope; false when it exists already.</summary>
    public static async Task<bool> AddScopeAsync(SandboxDatabase database, TimeProvider time, string account, string scope, CancellationToken cancellationToken)
    {
        if (!ScopePattern().IsMatch(scope))
        {
            throw RucioException.InvalidObject($"Problem validating scope : '{scope}' does not match '^[a-zA-Z_\\-.0-9]+$'");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await AccountStore.RequireExistsAsync(connection, account, cancellationToken);
        return await connection.ExecuteAsync(
            "INSERT INTO scopes (scope, account, created_at) VALUES ($s, $a, $now) ON CONFLICT DO NOTHING",
            cancellationToken,
            ("$s", scope),
            ("$a", account),
            ("$now", RucioTime.Now(time))) == 1;
    }

    private static async Task<IResult> ListAsync(HttpContext context, SandboxDatabase database)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var scopes = await connection.ListAsync("SELECT scope FROM scopes ORDER BY rowid", r => r.GetString(0), context.RequestAborted);
        return RucioResults.Jsonify(context, scopes);
    }

    private static async Task<IResult> ListForAccountAsync(HttpContext context, SandboxDatabase database, string account)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        await AccountStore.RequireExistsAsync(connection, account, context.RequestAborted);
        var scopes = await connection.ListAsync("SELECT scope FROM scopes WHERE account = $a ORDER BY rowid", r => r.GetString(0), context.RequestAborted, ("$a", account));
        return RucioResults.Jsonify(context, scopes);
    }

    private static async Task<IResult> AddAsync(HttpContext context, SandboxDatabase database, TimeProvider time, string account, string scope)
    {
        var issuer = context.Issuer();
        if (!issuer.IsAdmin && issuer.Account != account)
        {
            throw RucioException.AccessDenied($"Account {issuer.Account} can not add scope");
        }

        return await AddScopeAsync(database, time, account, scope, context.RequestAborted)
            ? RucioResults.Created()
            : throw new RucioException(StatusCodes.Status409Conflict, "Duplicate", $"Scope '{scope}' already exists!");
    }
}
