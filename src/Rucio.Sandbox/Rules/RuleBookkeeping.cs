using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Storage;

namespace Rucio.Sandbox.Rules;

/// <summary>
/// Keeps lock counters, rule states and dataset locks exact when replicas arrive, transfers fail or rules
/// expire (the work of Rucio's judge-evaluator, conveyor-finisher, judge-cleaner and reaper).
/// </summary>
internal sealed partial class RuleBookkeeping(StorageLayout storage, TimeProvider time, ILogger<RuleBookkeeping> logger)
{
    /// <summary>Recomputes a rule's counters and state from its locks, and its dataset locks' states.</summary>
    public async Task RecountAsync(SqliteConnection connection, string ruleId, CancellationToken cancellationToken)
    {
        var counts = await connection.ListAsync("SELECT state, COUNT(*) FROM locks WHERE rule_id = $id GROUP BY state", r => (r.GetString(0), r.GetInt64(1)), cancellationToken, ("$id", ruleId));
        long Count(string state) => counts.Where(c => c.Item1 == state).Sum(c => c.Item2);
        var (ok, replicating, stuck) = (Count(LockStates.Ok), Count(LockStates.Replicating), Count(LockStates.Stuck));
        var state = stuck > 0 ? RuleStates.Stuck : replicating > 0 ? RuleStates.Replicating : RuleStates.Ok;
        var now = RucioTime.Now(time);
        await connection.ExecuteAsync(
            """
            UPDATE rules SET locks_ok_cnt = $ok, locks_replicating_cnt = $repl, locks_stuck_cnt = $stuck,
                state = CASE WHEN state IN ('SUSPENDED', 'WAITING_APPROVAL') THEN state ELSE $state END,
                error = CASE WHEN $state = 'STUCK' THEN COALESCE((SELECT error FROM locks WHERE rule_id = $id AND state = 'S' AND error IS NOT NULL LIMIT 1), error) ELSE NULL END,
                stuck_at = CASE WHEN $state = 'STUCK' THEN COALESCE(stuck_at, $now) ELSE NULL END,
                updated_at = $now
            WHERE id = $id AND (locks_ok_cnt <> $ok OR locks_replicating_cnt <> $repl OR locks_stuck_cnt <> $stuck OR state <> $state)
            """,
            cancellationToken,
            ("$ok", ok), ("$repl", replicating), ("$stuck", stuck), ("$state", state), ("$id", ruleId), ("$now", now));
        await connection.ExecuteAsync(
            """
            UPDATE dataset_locks SET
                state = CASE
                    WHEN EXISTS (SELECT 1 FROM contents c JOIN locks l ON l.scope = c.child_scope AND l.name = c.child_name
                                 WHERE c.scope = dataset_locks.scope AND c.name = dataset_locks.name AND l.rule_id = dataset_locks.rule_id
                                   AND l.rse_id = dataset_locks.rse_id AND l.state = 'S') THEN 'S'
                    WHEN EXISTS (SELECT 1 FROM contents c JOIN locks l ON l.scope = c.child_scope AND l.name = c.child_name
                                 WHERE c.scope = dataset_locks.scope AND c.name = dataset_locks.name AND l.rule_id = dataset_locks.rule_id
                                   AND l.rse_id = dataset_locks.rse_id AND l.state = 'R') THEN 'R'
                    ELSE 'O' END,
                updated_at = $now
            WHERE rule_id = $id
            """,
            cancellationToken,
            ("$id", ruleId),
            ("$now", now));
    }

    /// <summary>A replica became AVAILABLE (transfer done or PUT /replicas): its locks turn OK.</summary>
    public async Task ReplicaAvailableAsync(SqliteConnection connection, string scope, string name, string rseId, CancellationToken cancellationToken)
    {
        var now = RucioTime.Now(time);
        await connection.ExecuteAsync(
            "UPDATE replicas SET state = 'A', updated_at = $now WHERE scope = $s AND name = $n AND rse_id = $rse",
            cancellationToken, ("$now", now), ("$s", scope), ("$n", name), ("$rse", rseId));
        await SetLocksAsync(connection, scope, name, rseId, LockStates.Ok, error: null, cancellationToken);

        // Rucio moves finished requests to the history table; they no longer show under /requests.
        await connection.ExecuteAsync("DELETE FROM requests WHERE scope = $s AND name = $n AND dest_rse_id = $rse", cancellationToken, ("$s", scope), ("$n", name), ("$rse", rseId));
    }

    /// <summary>A transfer failed for good: its locks become STUCK and their rules carry the reason.</summary>
    public async Task TransferFailedAsync(SqliteConnection connection, string scope, string name, string rseId, string reason, CancellationToken cancellationToken)
    {
        var now = RucioTime.Now(time);
        await connection.ExecuteAsync(
            "UPDATE requests SET state = 'F', err_msg = $reason, updated_at = $now WHERE scope = $s AND name = $n AND dest_rse_id = $rse",
            cancellationToken, ("$reason", reason), ("$now", now), ("$s", scope), ("$n", name), ("$rse", rseId));
        await SetLocksAsync(connection, scope, name, rseId, LockStates.Stuck, reason, cancellationToken);
    }

    /// <summary>
    /// Removes rules whose expiry passed (lifetime or soft delete), their locks and pending transfers, then reaps
    /// replicas the Sandbox created as transfer targets that no lock protects any more, deleting their files.
    /// </summary>
    public async Task<int> CleanExpiredAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var now = RucioTime.Now(time);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var expired = await connection.ListAsync(
            "SELECT id FROM rules WHERE expires_at IS NOT NULL AND expires_at <= $now AND locked = 0",
            r => r.GetString(0),
            cancellationToken,
            ("$now", now));
        foreach (var ruleId in expired)
        {
            await connection.ExecuteAsync(
                """
                UPDATE replicas SET lock_cnt = MAX(lock_cnt - 1, 0)
                WHERE EXISTS (SELECT 1 FROM locks l WHERE l.rule_id = $id AND l.scope = replicas.scope AND l.name = replicas.name AND l.rse_id = replicas.rse_id)
                """,
                cancellationToken,
                ("$id", ruleId));
            await connection.ExecuteAsync("DELETE FROM locks WHERE rule_id = $id", cancellationToken, ("$id", ruleId));
            await connection.ExecuteAsync("DELETE FROM dataset_locks WHERE rule_id = $id", cancellationToken, ("$id", ruleId));
            await connection.ExecuteAsync("DELETE FROM rules WHERE id = $id", cancellationToken, ("$id", ruleId));
        }

        // Transfers nobody waits for any more are dropped.
        await connection.ExecuteAsync(
            "DELETE FROM requests WHERE NOT EXISTS (SELECT 1 FROM locks l WHERE l.scope = requests.scope AND l.name = requests.name AND l.rse_id = requests.dest_rse_id AND l.state <> 'O')",
            cancellationToken);
        var orphans = await connection.ListAsync(
            "SELECT r.scope, r.name, r.rse_id, r.path, s.rse FROM replicas r JOIN rses s ON s.id = r.rse_id WHERE r.lock_cnt = 0 AND (r.transfer_target = 1 OR r.state = 'C')",
            rd => (Scope: rd.GetString(0), Name: rd.GetString(1), RseId: rd.GetString(2), Path: rd.GetString(3), Rse: rd.GetString(4)),
            cancellationToken);
        foreach (var orphan in orphans)
        {
            await connection.ExecuteAsync("DELETE FROM replicas WHERE scope = $s AND name = $n AND rse_id = $rse", cancellationToken, ("$s", orphan.Scope), ("$n", orphan.Name), ("$rse", orphan.RseId));
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var orphan in orphans)
        {
            DeleteFile(storage.LocalPath(orphan.Rse, orphan.Path));
        }

        return expired.Count;
    }

    private async Task SetLocksAsync(SqliteConnection connection, string scope, string name, string rseId, string state, string? error, CancellationToken cancellationToken)
    {
        var rules = await connection.ListAsync(
            "SELECT DISTINCT rule_id FROM locks WHERE scope = $s AND name = $n AND rse_id = $rse AND state <> $state",
            r => r.GetString(0),
            cancellationToken,
            ("$s", scope), ("$n", name), ("$rse", rseId), ("$state", state));
        await connection.ExecuteAsync(
            "UPDATE locks SET state = $state, error = $error, updated_at = $now WHERE scope = $s AND name = $n AND rse_id = $rse AND state <> $state",
            cancellationToken,
            ("$state", state), ("$error", error), ("$now", RucioTime.Now(time)), ("$s", scope), ("$n", name), ("$rse", rseId));
        foreach (var ruleId in rules)
        {
            await RecountAsync(connection, ruleId, cancellationToken);
        }
    }

    private void DeleteFile(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException ex)
        {
            LogReapFailed(logger, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            LogReapFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete a reaped replica file")]
    private static partial void LogReapFailed(ILogger logger, Exception exception);
}
