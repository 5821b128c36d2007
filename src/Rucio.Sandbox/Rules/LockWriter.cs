using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Replicas;
using Rucio.Sandbox.Storage;

namespace Rucio.Sandbox.Rules;

/// <summary>A file a rule has to place, with the dataset that holds it (null for a file rule).</summary>
internal sealed record RuleFile(string Scope, string Name, string? ParentScope, string? ParentName, string? ParentType, long Bytes, string? Md5, string? Adler32);

/// <summary>
/// Creates replica locks with prepared statements (a 100k-file rule is one pass): the lock is OK when the replica
/// is AVAILABLE, otherwise REPLICATING with a COPYING replica and a QUEUED transfer request.
/// </summary>
internal sealed class LockWriter : IAsyncDisposable
{
    private readonly SqliteCommand _findReplica;
    private readonly SqliteCommand _insertReplica;
    private readonly SqliteCommand _markCopying;
    private readonly SqliteCommand _insertLock;
    private readonly SqliteCommand _insertRequest;
    private readonly RuleSpec _rule;
    private readonly string _now;

    public LockWriter(SqliteConnection connection, RuleSpec rule, string now)
    {
        _rule = rule;
        _now = now;
        _findReplica = Prepare(connection, "SELECT state FROM replicas WHERE scope = $s AND name = $n AND rse_id = $rse", "$s", "$n", "$rse");
        _insertReplica = Prepare(
            connection,
            """
            INSERT INTO replicas (scope, name, rse_id, bytes, md5, adler32, path, state, lock_cnt, transfer_target, created_at, updated_at)
            VALUES ($s, $n, $rse, $b, $md5, $adler, $path, 'C', 1, 1, $now, $now)
            """,
            "$s", "$n", "$rse", "$b", "$md5", "$adler", "$path", "$now");
        _markCopying = Prepare(
            connection,
            "UPDATE replicas SET lock_cnt = lock_cnt + 1, state = CASE WHEN $copy = 1 THEN 'C' ELSE state END, updated_at = $now WHERE scope = $s AND name = $n AND rse_id = $rse",
            "$copy", "$now", "$s", "$n", "$rse");
        _insertLock = Prepare(
            connection,
            """
            INSERT INTO locks (rule_id, scope, name, rse_id, account, bytes, state, created_at, updated_at)
            VALUES ($rule, $s, $n, $rse, $a, $b, $state, $now, $now) ON CONFLICT DO NOTHING
            """,
            "$rule", "$s", "$n", "$rse", "$a", "$b", "$state", "$now");
        _insertRequest = Prepare(
            connection,
            """
            INSERT INTO requests (id, rule_id, scope, name, dest_rse_id, state, bytes, md5, adler32, activity, account, priority,
                                  ds_scope, ds_name, lifetime, created_at, updated_at)
            VALUES ($id, $rule, $s, $n, $rse, 'Q', $b, $md5, $adler, $activity, $a, $prio, $dss, $dsn, $life, $now, $now)
            ON CONFLICT DO NOTHING
            """,
            "$id", "$rule", "$s", "$n", "$rse", "$b", "$md5", "$adler", "$activity", "$a", "$prio", "$dss", "$dsn", "$life", "$now");
    }

    /// <summary>True when the new lock needs a transfer.</summary>
    public async Task<bool> LockAsync(RuleFile file, string rseId, CancellationToken cancellationToken)
    {
        Bind(_findReplica, file.Scope, file.Name, rseId);
        var state = await _findReplica.ExecuteScalarAsync(cancellationToken) as string;
        var needsTransfer = state != ReplicaStates.Available;
        if (state is null)
        {
            Bind(_insertReplica, file.Scope, file.Name, rseId, file.Bytes, file.Md5, file.Adler32, StorageLayout.DeterministicPath(file.Scope, file.Name), _now);
            await _insertReplica.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            Bind(_markCopying, needsTransfer ? 1 : 0, _now, file.Scope, file.Name, rseId);
            await _markCopying.ExecuteNonQueryAsync(cancellationToken);
        }

        Bind(_insertLock, _rule.Id, file.Scope, file.Name, rseId, _rule.Account, file.Bytes, needsTransfer ? LockStates.Replicating : LockStates.Ok, _now);
        await _insertLock.ExecuteNonQueryAsync(cancellationToken);
        if (needsTransfer)
        {
            Bind(
                _insertRequest, Guid.NewGuid().ToString("N"), _rule.Id, file.Scope, file.Name, rseId, file.Bytes, file.Md5, file.Adler32,
                _rule.Activity, _rule.Account, _rule.Priority, file.ParentType == Dids.DidTypes.Dataset ? file.ParentScope : null,
                file.ParentType == Dids.DidTypes.Dataset ? file.ParentName : null, _rule.Lifetime, _now);
            await _insertRequest.ExecuteNonQueryAsync(cancellationToken);
        }

        return needsTransfer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _findReplica, _insertReplica, _markCopying, _insertLock, _insertRequest })
        {
            await command.DisposeAsync();
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
