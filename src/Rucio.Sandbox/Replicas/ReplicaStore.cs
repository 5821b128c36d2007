using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rses;
using Rucio.Sandbox.Storage;

namespace Rucio.Sandbox.Replicas;

/// <summary>A file to register (the entries of POST /replicas and of attach-with-rse).</summary>
internal sealed record NewFile(string Scope, string Name, long Bytes, string? Adler32, string? Md5, string? Guid = null, IReadOnlyDictionary<string, object?>? Meta = null);

/// <summary>Replica state codes as stored and their wire names.</summary>
internal static class ReplicaStates
{
    public const string Available = "A";
    public const string Copying = "C";
    public const string Unavailable = "U";
    public const string Bad = "B";
    public const string BeingDeleted = "D";
    public const string TemporaryUnavailable = "T";

    public static string Name(string code) => code switch
    {
        Available => "AVAILABLE",
        Copying => "COPYING",
        Unavailable => "UNAVAILABLE",
        Bad => "BAD",
        BeingDeleted => "BEING_DELETED",
        TemporaryUnavailable => "TEMPORARY_UNAVAILABLE",
        _ => code,
    };

    /// <summary>Accepts the letter or the full name, as Rucio's ReplicaState enum does.</summary>
    public static string? Parse(string? text) => text?.ToUpperInvariant() switch
    {
        "A" or "AVAILABLE" => Available,
        "C" or "COPYING" => Copying,
        "U" or "UNAVAILABLE" => Unavailable,
        "B" or "BAD" => Bad,
        "D" or "BEING_DELETED" => BeingDeleted,
        "T" or "TEMPORARY_UNAVAILABLE" => TemporaryUnavailable,
        _ => null,
    };
}

/// <summary>Writes file DIDs and replicas inside a caller's transaction.</summary>
internal static class ReplicaStore
{
    /// <summary>Creates the file DID unless it exists; returns false when it existed.</summary>
    public static async Task<bool> EnsureFileDidAsync(SqliteConnection connection, NewFile file, string account, string now, CancellationToken cancellationToken)
    {
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO dids (scope, name, did_type, account, bytes, md5, adler32, guid, created_at, updated_at)
            VALUES ($s, $n, 'F', $a, $b, $md5, $adler, $guid, $now, $now) ON CONFLICT DO NOTHING
            """,
            cancellationToken,
            ("$s", file.Scope),
            ("$n", file.Name),
            ("$a", account),
            ("$b", file.Bytes),
            ("$md5", file.Md5),
            ("$adler", file.Adler32),
            ("$guid", file.Guid),
            ("$now", now));
        if (file.Meta is not null)
        {
            foreach (var (key, value) in file.Meta)
            {
                if (DidColumns.IsSettable(key))
                {
                    await connection.ExecuteAsync(
                        $"UPDATE dids SET {key} = $v WHERE scope = $s AND name = $n",
                        cancellationToken,
                        ("$v", DidColumns.ToColumnValue(key, value)),
                        ("$s", file.Scope),
                        ("$n", file.Name));
                }
            }
        }

        return inserted == 1;
    }

    /// <summary>Adds a replica at the deterministic path; 409 Duplicate when it is registered already.</summary>
    public static async Task AddReplicaAsync(SqliteConnection connection, RseRecord rse, NewFile file, string state, string now, CancellationToken cancellationToken)
    {
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO replicas (scope, name, rse_id, bytes, md5, adler32, path, state, created_at, updated_at)
            VALUES ($s, $n, $rse, $b, $md5, $adler, $path, $state, $now, $now) ON CONFLICT DO NOTHING
            """,
            cancellationToken,
            ("$s", file.Scope),
            ("$n", file.Name),
            ("$rse", rse.Id),
            ("$b", file.Bytes),
            ("$md5", file.Md5),
            ("$adler", file.Adler32),
            ("$path", StorageLayout.DeterministicPath(file.Scope, file.Name)),
            ("$state", state),
            ("$now", now));
        if (inserted == 0)
        {
            throw new RucioException(StatusCodes.Status409Conflict, "Duplicate", $"The replica {file.Scope}:{file.Name} on {rse.Name} already exists!");
        }
    }
}
