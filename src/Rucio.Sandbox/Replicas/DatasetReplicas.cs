using System.Runtime.CompilerServices;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Replicas;

/// <summary>
/// GET /replicas/{scope}/{name}/datasets. Rucio answers from collection_replicas, which a rule creates and
/// abacus-collection-replica fills later; the Sandbox computes the same numbers live (as if the daemon had just
/// run). Without deep, only RSEs where a rule locked the dataset appear, as in Rucio; with deep, every RSE
/// holding some of its files.
/// </summary>
internal static class DatasetReplicas
{
    public static async IAsyncEnumerable<object?> ListAsync(SandboxDatabase database, string scope, string name, bool deep, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await DidStore.RequireAsync(connection, scope, name, cancellationToken);
        var rows = await connection.ListAsync(
            DidStore.FilesBelowCte + """
            , files AS (SELECT DISTINCT t.scope, t.name, d.bytes FROM tree t JOIN dids d ON d.scope = t.scope AND d.name = t.name WHERE t.did_type = 'F'),
            totals AS (SELECT COUNT(*) AS length, COALESCE(SUM(bytes), 0) AS bytes FROM files),
            per_rse AS (
                SELECT r.rse_id, SUM(CASE WHEN r.state = 'A' THEN r.bytes ELSE 0 END) AS available_bytes,
                       SUM(CASE WHEN r.state = 'A' THEN 1 ELSE 0 END) AS available_length,
                       MIN(r.created_at) AS created_at, MAX(r.updated_at) AS updated_at
                FROM files f JOIN replicas r ON r.scope = f.scope AND r.name = f.name GROUP BY r.rse_id),
            locked AS (SELECT rse_id, MIN(created_at) AS created_at, MAX(updated_at) AS updated_at FROM dataset_locks WHERE scope = $root_scope AND name = $root_name GROUP BY rse_id)
            SELECT s.id, s.rse, COALESCE(p.available_bytes, 0), COALESCE(p.available_length, 0),
                   COALESCE(l.created_at, p.created_at), COALESCE(p.updated_at, l.updated_at), t.length, t.bytes
            FROM rses s CROSS JOIN totals t
            LEFT JOIN per_rse p ON p.rse_id = s.id
            LEFT JOIN locked l ON l.rse_id = s.id
            WHERE (CASE WHEN $deep = 1 THEN p.rse_id ELSE l.rse_id END) IS NOT NULL
            ORDER BY s.rse
            """,
            r => (Id: r.GetString(0), Rse: r.GetString(1), AvailableBytes: r.GetInt64(2), AvailableLength: r.GetInt64(3),
                  CreatedAt: r.GetString(4), UpdatedAt: r.GetString(5), Length: r.GetInt64(6), Bytes: r.GetInt64(7)),
            cancellationToken,
            ("$root_scope", scope),
            ("$root_name", name),
            ("$deep", deep ? 1 : 0));
        foreach (var row in rows)
        {
            var state = row.Length > 0 && row.AvailableLength == row.Length ? "AVAILABLE" : "UNAVAILABLE";
            yield return deep
                ? new PyDict
                {
                    { "scope", scope }, { "name", name }, { "rse_id", row.Id }, { "rse", row.Rse }, { "available_bytes", row.AvailableBytes },
                    { "available_length", row.AvailableLength }, { "created_at", RucioTime.Rfc1123(row.CreatedAt) },
                    { "updated_at", RucioTime.Rfc1123(row.UpdatedAt) }, { "accessed_at", null }, { "length", row.Length },
                    { "bytes", row.Bytes }, { "state", state },
                }
                : new PyDict
                {
                    { "scope", scope }, { "name", name }, { "rse", row.Rse }, { "rse_id", row.Id }, { "bytes", row.Bytes },
                    { "length", row.Length }, { "available_bytes", row.AvailableBytes }, { "available_length", row.AvailableLength },
                    { "state", state }, { "created_at", RucioTime.Rfc1123(row.CreatedAt) }, { "updated_at", RucioTime.Rfc1123(row.UpdatedAt) },
                    { "accessed_at", null },
                };
        }
    }
}
