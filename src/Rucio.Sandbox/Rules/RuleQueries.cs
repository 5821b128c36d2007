using System.Runtime.CompilerServices;
using System.Text;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Rules;

/// <summary>Rule look-ups and listings.</summary>
internal sealed class RuleQueries(SandboxDatabase database)
{
    private static readonly System.Text.RegularExpressions.Regex RuleIdPattern = new("^[0-9a-fA-F]{32}$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    /// <summary>Rule ids are UUIDs; anything else is the 500 RucioException real Rucio answers.</summary>
    public static string NormalizeId(string id)
        => RuleIdPattern.IsMatch(id)
            ? id.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant()
            : throw new RucioException(StatusCodes.Status500InternalServerError, "RucioException", $"Badly formatted rule id ({id})");

    public async Task<PyDict> GetAsync(string id, CancellationToken cancellationToken)
    {
        var normalized = NormalizeId(id);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.FirstOrDefaultAsync(RuleRows.Select + " WHERE id = $id", RuleRows.Map, cancellationToken, ("$id", normalized))
            ?? throw new RucioException(StatusCodes.Status404NotFound, "RuleNotFound", $"No rule with the id {normalized} found");
    }

    public IAsyncEnumerable<object?> ForDidAsync(string scope, string name, CancellationToken cancellationToken)
        => Rows(" WHERE scope = $s AND name = $n ORDER BY seq", cancellationToken, requireDid: (scope, name), ("$s", scope), ("$n", name));

    /// <summary>Rules holding a lock on the file, ordered by id as Rucio's query returns them.</summary>
    public IAsyncEnumerable<object?> AssociatedWithFileAsync(string scope, string name, CancellationToken cancellationToken)
        => Rows(" WHERE id IN (SELECT rule_id FROM locks WHERE scope = $s AND name = $n) ORDER BY id", cancellationToken, requireDid: (scope, name), ("$s", scope), ("$n", name));

    public IAsyncEnumerable<object?> ForAccountAsync(string account, CancellationToken cancellationToken)
        => Rows(" WHERE account = $a ORDER BY seq", cancellationToken, requireDid: null, ("$a", account));

    public IAsyncEnumerable<object?> ListAsync(IQueryCollection query, CancellationToken cancellationToken)
    {
        var where = new StringBuilder(" WHERE 1 = 1");
        var parameters = new List<(string, object?)>();
        foreach (var column in new[] { "scope", "name", "account", "rse_expression", "activity", "grouping", "subscription_id" })
        {
            if (query.TryGetValue(column, out var value) && value.ToString().Length > 0)
            {
                where.Append($" AND {column} = ${column}");
                parameters.Add(("$" + column, value.ToString()));
            }
        }

        if (query.TryGetValue("state", out var state) && state.ToString().Length > 0)
        {
            where.Append(" AND state = $state");
            parameters.Add(("$state", RuleRows.StateFromFilter(state.ToString()) ?? state.ToString()));
        }

        if (query.TryGetValue("did_type", out var didType) && didType.ToString().Length > 0)
        {
            where.Append(" AND did_type = $did_type");
            parameters.Add(("$did_type", didType.ToString().ToUpperInvariant()[..1]));
        }

        where.Append(" ORDER BY seq");
        return Rows(where.ToString(), cancellationToken, requireDid: null, parameters.ToArray());
    }

    public async IAsyncEnumerable<object?> LocksAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var normalized = NormalizeId(id);
        await using var connection = await database.OpenAsync(cancellationToken);
        await foreach (var row in connection.QueryAsync(
            "SELECT l.scope, l.name, l.rse_id, r.rse, l.state, l.rule_id FROM locks l JOIN rses r ON r.id = l.rse_id WHERE l.rule_id = $id ORDER BY l.scope, l.name, r.rse",
            r => new PyDict
            {
                { "scope", r.GetString(0) }, { "name", r.GetString(1) }, { "rse_id", r.GetString(2) }, { "rse", r.GetString(3) },
                { "state", RuleRows.LockStateName(r.GetString(4)) }, { "rule_id", r.GetString(5) },
            },
            cancellationToken,
            ("$id", normalized)))
        {
            yield return row;
        }
    }

    /// <summary>rules/{id}/analysis: the rule's error and, when stuck, what failed per file.</summary>
    public async Task<PyDict> AnalysisAsync(string id, CancellationToken cancellationToken)
    {
        var rule = await GetAsync(id, cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var transfers = await connection.ListAsync(
            """
            SELECT l.scope, l.name, r.rse, l.rse_id, COALESCE(q.retry_count, 0), COALESCE(l.error, q.err_msg), s.rse, q.updated_at
            FROM locks l JOIN rses r ON r.id = l.rse_id
            LEFT JOIN requests q ON q.scope = l.scope AND q.name = l.name AND q.dest_rse_id = l.rse_id
            LEFT JOIN rses s ON s.id = q.source_rse_id
            WHERE l.rule_id = $id AND l.state = 'S' ORDER BY l.scope, l.name
            """,
            r => new PyDict
            {
                { "scope", r.GetString(0) }, { "name", r.GetString(1) }, { "rse", r.GetString(2) }, { "rse_id", r.GetString(3) },
                { "attempts", r.GetInt64(4) }, { "last_error", r.IsDBNull(5) ? null : r.GetString(5) },
                { "last_source", r.IsDBNull(6) ? null : r.GetString(6) }, { "sources", Array.Empty<object>() },
                { "last_time", r.IsDBNull(7) ? null : RucioTime.Rfc1123(r.GetString(7)) },
            },
            cancellationToken,
            ("$id", rule["id"]));
        var state = (string)rule["state"]!;
        var error = state == RuleStates.Stuck && rule["error"] is string reason ? reason : $"This replication rule is currently {state}";
        return new PyDict { { "rule_error", error }, { "transfers", transfers } };
    }

    private async IAsyncEnumerable<object?> Rows(string filter, [EnumeratorCancellation] CancellationToken cancellationToken, (string Scope, string Name)? requireDid, params (string, object?)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (requireDid is { } did)
        {
            await Dids.DidStore.RequireAsync(connection, did.Scope, did.Name, cancellationToken);
        }

        await foreach (var row in connection.QueryAsync(RuleRows.Select + filter, RuleRows.Map, cancellationToken, parameters))
        {
            yield return row;
        }
    }
}
