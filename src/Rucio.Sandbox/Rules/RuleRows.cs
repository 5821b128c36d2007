using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Rules;

/// <summary>Rule and lock rows as Rucio renders them.</summary>
internal static class RuleRows
{
    public const string Select = """
        SELECT id, subscription_id, account, scope, name, did_type, state, error, rse_expression, copies, expires_at,
               weight, locked, locks_ok_cnt, locks_replicating_cnt, locks_stuck_cnt, source_replica_expression,
               activity, grouping, notification, stuck_at, purge_replicas, ignore_availability, ignore_account_limit,
               priority, comments, child_rule_id, eol_at, split_container, meta, created_at, updated_at
        FROM rules
        """;

    public static PyDict Map(SqliteDataReader r) => new()
    {
        { "id", r.GetString(0) }, { "subscription_id", r.Str("subscription_id") }, { "account", r.GetString(2) },
        { "scope", r.GetString(3) }, { "name", r.GetString(4) }, { "did_type", DidTypes.Name(r.GetString(5)) },
        { "state", r.GetString(6) }, { "error", r.Str("error") }, { "rse_expression", r.GetString(8) },
        { "copies", r.GetInt64(9) }, { "expires_at", RucioTime.Rfc1123(r.Str("expires_at")) }, { "weight", r.Str("weight") },
        { "locked", r.Bool("locked") }, { "locks_ok_cnt", r.GetInt64(13) }, { "locks_replicating_cnt", r.GetInt64(14) },
        { "locks_stuck_cnt", r.GetInt64(15) }, { "source_replica_expression", r.Str("source_replica_expression") },
        { "activity", r.GetString(17) }, { "grouping", r.GetString(18) }, { "notification", r.GetString(19) },
        { "stuck_at", RucioTime.Rfc1123(r.Str("stuck_at")) }, { "purge_replicas", r.Bool("purge_replicas") },
        { "ignore_availability", r.Bool("ignore_availability") }, { "ignore_account_limit", r.Bool("ignore_account_limit") },
        { "priority", r.GetInt64(24) }, { "comments", r.Str("comments") }, { "child_rule_id", r.Str("child_rule_id") },
        { "eol_at", RucioTime.Rfc1123(r.Str("eol_at")) }, { "split_container", r.Bool("split_container") }, { "meta", r.Str("meta") },
        { "created_at", RucioTime.Rfc1123(r.GetString(30)) }, { "updated_at", RucioTime.Rfc1123(r.GetString(31)) },
    };

    public static string LockStateName(string code) => code switch
    {
        LockStates.Ok => "OK",
        LockStates.Replicating => "REPLICATING",
        LockStates.Stuck => "STUCK",
        _ => code,
    };

    /// <summary>Rule state filters accept Rucio's one-letter codes as well as names.</summary>
    public static string? StateFromFilter(string value) => value.ToUpperInvariant() switch
    {
        "R" or "REPLICATING" => RuleStates.Replicating,
        "O" or "OK" => RuleStates.Ok,
        "S" or "STUCK" => RuleStates.Stuck,
        "U" or "SUSPENDED" => RuleStates.Suspended,
        "W" or "WAITING_APPROVAL" => RuleStates.WaitingApproval,
        "I" or "INJECT" => RuleStates.Inject,
        _ => null,
    };
}

internal static class RuleStates
{
    public const string Replicating = "REPLICATING";
    public const string Ok = "OK";
    public const string Stuck = "STUCK";
    public const string Suspended = "SUSPENDED";
    public const string WaitingApproval = "WAITING_APPROVAL";
    public const string Inject = "INJECT";
}

internal static class LockStates
{
    public const string Replicating = "R";
    public const string Ok = "O";
    public const string Stuck = "S";
}
