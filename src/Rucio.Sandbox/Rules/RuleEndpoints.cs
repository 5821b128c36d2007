using System.Runtime.CompilerServices;
using System.Text.Json;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Rules;

/// <summary>/rules/..., /accounts/{account}/rules and /locks/...</summary>
internal static class RuleEndpoints
{
    public static void MapRules(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").RequireRucioToken();
        api.MapPost("/rules/", AddAsync);
        api.MapGet("/rules/", (HttpContext c, RuleQueries q) => RucioResults.Stream(c, q.ListAsync(c.Request.Query, c.RequestAborted)));
        api.MapGet("/rules/{id}", async (HttpContext c, RuleQueries q, string id) => RucioResults.Object(c, await q.GetAsync(id, c.RequestAborted)));
        api.MapGet("/rules/{id}/locks", (HttpContext c, RuleQueries q, string id) => RucioResults.Stream(c, q.LocksAsync(id, c.RequestAborted)));
        api.MapGet("/rules/{id}/analysis", async (HttpContext c, RuleQueries q, string id) => RucioResults.Object(c, await q.AnalysisAsync(id, c.RequestAborted)));

        // Rucio routes /rules/<scope_name>/history and fails to parse a rule id as scope:name (transcript 24b).
        api.MapGet("/rules/{id}/history", RejectHistory);
        api.MapPut("/rules/{id}", UpdateAsync);
        api.MapDelete("/rules/{id}", DeleteAsync);
        api.MapGet("/accounts/{account}/rules", (HttpContext c, RuleQueries q, string account) => RucioResults.Stream(c, q.ForAccountAsync(account, c.RequestAborted)));
        api.MapGet("/locks/{**path}", LocksAsync);
    }

    private static IResult RejectHistory(string id) => throw RucioException.ValueError("cannot parse scope and name");

    private static async Task<IResult> AddAsync(HttpContext context, RuleEngine engine)
    {
        var body = await JsonBody.ReadAsync(context.Request);
        var dids = body.Required("dids");
        var copies = JsonBody.AsLong(body.Required("copies"), "copies");
        var expression = JsonBody.AsString(body.Required("rse_expression")) ?? throw RucioException.KeyError("rse_expression");
        if (dids.ValueKind != JsonValueKind.Array)
        {
            throw RucioException.InvalidObject("Problem validating dids : 'dids' must be a list");
        }

        var targets = dids.EnumerateArray()
            .Select(d => (
                d.TryGetProperty("scope", out var s) ? s.GetString() ?? throw RucioException.KeyError("scope") : throw RucioException.KeyError("scope"),
                d.TryGetProperty("name", out var n) ? n.GetString() ?? throw RucioException.KeyError("name") : throw RucioException.KeyError("name")))
            .ToList();
        var options = new RuleOptions(
            Account: body.String("account"),
            Copies: copies,
            RseExpression: expression,
            Grouping: body.String("grouping") ?? "DATASET",
            Weight: body.String("weight"),
            Lifetime: body.Long("lifetime"),
            Locked: body.Bool("locked") ?? false,
            SourceReplicaExpression: body.String("source_replica_expression"),
            Activity: body.String("activity"),
            Notify: body.String("notify"),
            PurgeReplicas: body.Bool("purge_replicas") ?? false,
            IgnoreAvailability: body.Bool("ignore_availability") ?? false,
            Comment: body.String("comment"),
            Priority: body.Long("priority") ?? 3,
            Meta: body.Optional("meta") is { } meta ? (meta.ValueKind == JsonValueKind.String ? meta.GetString() : meta.GetRawText()) : null,
            SplitContainer: body.Bool("split_container") ?? false,
            SubscriptionId: body.String("subscription_id"));
        var ids = await engine.CreateRulesAsync(context.Issuer(), targets, options, context.RequestAborted);
        return RucioResults.CreatedJsonAsHtml(ids);
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, RuleAdministration administration, string id)
    {
        var body = await JsonBody.ReadAsync(context.Request);
        var options = body.Required("options");
        if (options.ValueKind != JsonValueKind.Object)
        {
            throw RucioException.InvalidObject("Problem validating options : 'options' must be a dictionary");
        }

        await administration.UpdateAsync(context.Issuer(), RuleQueries.NormalizeId(id), options, context.RequestAborted);
        return RucioResults.EmptyOk();
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, RuleAdministration administration, string id)
    {
        await administration.SoftDeleteAsync(context.Issuer(), RuleQueries.NormalizeId(id), context.RequestAborted);
        return RucioResults.EmptyOk();
    }

    private static IResult LocksAsync(HttpContext context, SandboxDatabase database)
    {
        var remainder = Dids.DidPath.Remainder(context, "/locks/");
        if (context.Request.Query["did_type"].ToString() != "dataset")
        {
            throw new PlainTextFailure(StatusCodes.Status500InternalServerError, "Wrong did_type specified");
        }

        var slash = remainder.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? RucioResults.Stream(context, DatasetLocks(database, "r.rse = $a", remainder, null, context.RequestAborted))
            : RucioResults.Stream(context, DatasetLocks(database, "d.scope = $a AND d.name = $b", remainder[..slash], remainder[(slash + 1)..], context.RequestAborted));
    }

    private static async IAsyncEnumerable<object?> DatasetLocks(SandboxDatabase database, string filter, string first, string? second, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await foreach (var row in connection.QueryAsync(
            $"SELECT d.rse_id, r.rse, d.scope, d.name, d.rule_id, d.account, d.state FROM dataset_locks d JOIN rses r ON r.id = d.rse_id WHERE {filter} ORDER BY d.seq",
            r => new PyDict
            {
                { "rse_id", r.GetString(0) }, { "rse", r.GetString(1) }, { "scope", r.GetString(2) }, { "name", r.GetString(3) },
                { "rule_id", r.GetString(4) }, { "account", r.GetString(5) }, { "state", RuleRows.LockStateName(r.GetString(6)) },
                { "length", null }, { "bytes", null }, { "accessed_at", null },
            },
            cancellationToken,
            ("$a", first),
            ("$b", second)))
        {
            yield return row;
        }
    }
}
