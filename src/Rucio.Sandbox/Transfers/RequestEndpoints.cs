using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rses;

namespace Rucio.Sandbox.Transfers;

/// <summary>/requests/list and /requests/{scope}/{name}/{rse}: the transfer requests behind REPLICATING locks.</summary>
internal static class RequestEndpoints
{
    private const string Select = """
        SELECT q.id, q.rule_id, q.scope, q.name, q.dest_rse_id, d.rse, q.source_rse_id, s.rse, q.state, q.bytes, q.md5, q.adler32,
               q.activity, q.account, q.priority, q.ds_scope, q.ds_name, q.lifetime, q.err_msg, q.retry_count, q.created_at,
               q.updated_at, q.submitted_at, q.started_at, q.transferred_at
        FROM requests q JOIN rses d ON d.id = q.dest_rse_id LEFT JOIN rses s ON s.id = q.source_rse_id
        """;

    public static void MapRequests(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/requests").RequireRucioToken();
        api.MapGet("/list", (HttpContext c, SandboxDatabase db) => RucioResults.Stream(c, ListRows(db, c.Request.Query, c.RequestAborted)));
        api.MapGet("/{**path}", GetAsync);
    }

    private static async IAsyncEnumerable<object?> ListRows(SandboxDatabase database, IQueryCollection query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var states = query["request_states"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.Length > 1 ? StateCode(s) : s.ToUpperInvariant()).ToList();
        await using var connection = await database.OpenAsync(cancellationToken);
        await foreach (var row in connection.QueryAsync(
            Select + " WHERE s.rse = $src AND d.rse = $dst ORDER BY q.created_at",
            Map,
            cancellationToken,
            ("$src", query["src_rse"].ToString()),
            ("$dst", query["dst_rse"].ToString())))
        {
            if (states.Count == 0 || states.Contains(StateCode((string)row["state"]!)))
            {
                yield return row;
            }
        }
    }

    private static async Task<IResult> GetAsync(HttpContext context, SandboxDatabase database)
    {
        var remainder = DidPath.Remainder(context, "/requests/");
        var first = remainder.IndexOf('/', StringComparison.Ordinal);
        var last = remainder.LastIndexOf('/');
        if (first <= 0 || last <= first + 1)
        {
            return FlaskNotFound.Result();
        }

        var (scope, name, rse) = (remainder[..first], remainder[(first + 1)..last], remainder[(last + 1)..]);
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var row = await connection.FirstOrDefaultAsync(
            Select + " WHERE q.scope = $s AND q.name = $n AND d.rse = $rse",
            Map,
            context.RequestAborted,
            ("$s", scope),
            ("$n", name),
            ("$rse", rse));
        if (row is null)
        {
            _ = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
            throw new RucioException(StatusCodes.Status404NotFound, "RequestNotFound", $"No request found for DID {scope}:{name} at RSE {rse}");
        }

        return RucioResults.Object(context, row);
    }

    private static string StateCode(string name) => name.ToUpperInvariant() switch
    {
        "QUEUED" => "Q",
        "SUBMITTED" => "S",
        "DONE" => "D",
        "FAILED" => "F",
        _ => name,
    };

    private static string StateName(string code) => code switch
    {
        "Q" => "QUEUED",
        "S" => "SUBMITTED",
        "D" => "DONE",
        "F" => "FAILED",
        _ => code,
    };

    /// <summary>The request document in Rucio 1.31's key order (transcript 25b).</summary>
    private static PyDict Map(SqliteDataReader r)
    {
        string? Date(int index) => r.IsDBNull(index) ? null : RucioTime.Rfc1123(r.GetString(index));
        var attributes = new PyDict
        {
            { "activity", r.GetString(12) }, { "source_replica_expression", null }, { "lifetime", r.IsDBNull(17) ? null : r.GetInt64(17) },
            { "ds_scope", r.IsDBNull(15) ? null : r.GetString(15) }, { "ds_name", r.IsDBNull(16) ? null : r.GetString(16) },
            { "bytes", r.GetInt64(9) }, { "md5", r.IsDBNull(10) ? null : r.GetString(10) }, { "adler32", r.IsDBNull(11) ? null : r.GetString(11) },
            { "priority", r.GetInt64(14) }, { "allow_tape_source", true },
        };
        return new PyDict
        {
            { "name", r.GetString(3) }, { "retry_count", r.GetInt64(19) }, { "dest_url", null }, { "estimated_started_at", null },
            { "updated_at", Date(21) }, { "did_type", "FILE" }, { "err_msg", r.IsDBNull(18) ? null : r.GetString(18) },
            { "submitted_at", Date(22) }, { "estimated_transferred_at", null }, { "dest_rse_id", r.GetString(4) },
            { "previous_attempt_id", null }, { "started_at", Date(23) }, { "staging_started_at", null },
            { "source_rse_id", r.IsDBNull(6) ? null : r.GetString(6) }, { "rule_id", r.GetString(1) }, { "transferred_at", Date(24) },
            { "staging_finished_at", null }, { "attributes", attributes }, { "activity", r.GetString(12) }, { "estimated_at", null },
            { "account", r.GetString(13) }, { "request_type", "TRANSFER" }, { "state", StateName(r.GetString(8)) }, { "bytes", r.GetInt64(9) },
            { "submitter_id", null }, { "requested_at", null }, { "id", r.GetString(0) }, { "external_id", null },
            { "md5", r.IsDBNull(10) ? null : r.GetString(10) }, { "priority", r.GetInt64(14) }, { "created_at", Date(20) },
            { "scope", r.GetString(2) }, { "external_host", null }, { "adler32", r.IsDBNull(11) ? null : r.GetString(11) },
            { "transfertool", null }, { "source_rse", r.IsDBNull(7) ? null : r.GetString(7) }, { "dest_rse", r.GetString(5) },
        };
    }
}
