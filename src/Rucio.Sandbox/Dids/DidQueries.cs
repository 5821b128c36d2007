using System.Runtime.CompilerServices;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Dids;

/// <summary>Read-only DID endpoints: get, meta, files, content and parents.</summary>
internal sealed class DidQueries(SandboxDatabase database)
{
    public async Task<PyDict> GetAsync(string scope, string name, string? dynamicDepth, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var did = await DidStore.RequireAsync(connection, scope, name, cancellationToken);
        if (did.IsFile)
        {
            return new PyDict
            {
                { "scope", did.Scope }, { "name", did.Name }, { "type", "FILE" }, { "account", did.Account },
                { "bytes", did.Bytes }, { "length", 1 }, { "md5", did.Md5 }, { "adler32", did.Adler32 },
            };
        }

        var (length, bytes) = (did.Length, did.Bytes);
        if (dynamicDepth is not null && dynamicDepth.ToUpperInvariant() is "FILE" or "DATASET")
        {
            var totals = await connection.FirstOrDefaultAsync(
                DidStore.FilesBelowCte + " SELECT COUNT(*), SUM(d.bytes) FROM (SELECT DISTINCT scope, name FROM tree WHERE did_type = 'F') f JOIN dids d ON d.scope = f.scope AND d.name = f.name",
                r => Tuple.Create(r.GetInt64(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1)),
                cancellationToken,
                ("$root_scope", scope),
                ("$root_name", name));
            (length, bytes) = (totals?.Item1, totals?.Item2);
        }

        return new PyDict
        {
            { "scope", did.Scope }, { "name", did.Name }, { "type", did.TypeName }, { "account", did.Account },
            { "open", did.IsOpen }, { "monotonic", did.Monotonic }, { "expired_at", RucioTime.Rfc1123(did.ExpiredAt) },
            { "length", length }, { "bytes", bytes },
        };
    }

    public async Task<PyDict> MetaAsync(string scope, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.FirstOrDefaultAsync(DidColumns.MetaSelect, DidColumns.Meta, cancellationToken, ("$s", scope), ("$n", name))
            ?? throw RucioException.DidNotFound(scope, name);
    }

    /// <summary>
    /// Files of a DID. Collections are walked like Rucio does it (children in name order, sub-collections taken
    /// from a stack), which is why a container lists its last dataset first.
    /// </summary>
    public async IAsyncEnumerable<object?> FilesAsync(string scope, string name, bool longFormat, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var root = await DidStore.RequireAsync(connection, scope, name, cancellationToken);
        if (root.IsFile)
        {
            await foreach (var row in connection.QueryAsync(
                "SELECT scope, name, 'F', bytes, adler32, guid, events, lumiblocknr FROM dids WHERE scope = $s AND name = $n",
                r => FileRow(r, longFormat),
                cancellationToken,
                ("$s", scope),
                ("$n", name)))
            {
                yield return row;
            }

            yield break;
        }

        var pending = new Stack<(string Scope, string Name)>();
        pending.Push((scope, name));
        var visited = new HashSet<(string, string)>();
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!visited.Add(current))
            {
                continue;
            }

            await using var command = connection.Command(
                """
                SELECT c.child_scope, c.child_name, c.child_type, d.bytes, d.adler32, d.guid, d.events, d.lumiblocknr
                FROM contents c JOIN dids d ON d.scope = c.child_scope AND d.name = c.child_name
                WHERE c.scope = $s AND c.name = $n ORDER BY c.child_scope, c.child_name
                """,
                ("$s", current.Scope),
                ("$n", current.Name));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetString(2) == DidTypes.File)
                {
                    yield return FileRow(reader, longFormat);
                }
                else
                {
                    pending.Push((reader.GetString(0), reader.GetString(1)));
                }
            }
        }
    }

    public async IAsyncEnumerable<object?> ContentAsync(string scope, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await DidStore.RequireAsync(connection, scope, name, cancellationToken);
        await foreach (var row in connection.QueryAsync(
            """
            SELECT c.child_scope, c.child_name, c.child_type, c.bytes, c.adler32, c.md5
            FROM contents c WHERE c.scope = $s AND c.name = $n ORDER BY c.child_scope, c.child_name
            """,
            r => new PyDict
            {
                { "scope", r.GetString(0) }, { "name", r.GetString(1) }, { "type", DidTypes.Name(r.GetString(2)) },
                { "bytes", r.Long("bytes") }, { "adler32", r.Str("adler32") }, { "md5", r.Str("md5") },
            },
            cancellationToken,
            ("$s", scope),
            ("$n", name)))
        {
            yield return row;
        }
    }

    public async IAsyncEnumerable<object?> ParentsAsync(string scope, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await DidStore.RequireAsync(connection, scope, name, cancellationToken);
        await foreach (var row in connection.QueryAsync(
            "SELECT scope, name, did_type FROM contents WHERE child_scope = $s AND child_name = $n ORDER BY scope, name",
            r => new PyDict { { "scope", r.GetString(0) }, { "name", r.GetString(1) }, { "type", DidTypes.Name(r.GetString(2)) } },
            cancellationToken,
            ("$s", scope),
            ("$n", name)))
        {
            yield return row;
        }
    }

    private static PyDict FileRow(Microsoft.Data.Sqlite.SqliteDataReader r, bool longFormat)
    {
        var row = new PyDict
        {
            { "scope", r.GetString(0) }, { "name", r.GetString(1) }, { "bytes", r.IsDBNull(3) ? null : r.GetInt64(3) },
            { "adler32", r.IsDBNull(4) ? null : r.GetString(4) }, { "guid", r.IsDBNull(5) ? null : r.GetString(5).ToUpperInvariant() },
            { "events", r.IsDBNull(6) ? null : r.GetInt64(6) },
        };
        if (longFormat)
        {
            row.Add("lumiblocknr", r.IsDBNull(7) ? null : r.GetInt64(7));
        }

        return row;
    }
}
