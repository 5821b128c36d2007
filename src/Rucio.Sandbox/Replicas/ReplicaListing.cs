using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rses;

namespace Rucio.Sandbox.Replicas;

/// <summary>What a replica listing asks for (POST /replicas/list body or GET /replicas query).</summary>
internal sealed record ReplicaQuery(IReadOnlyList<(string Scope, string Name)> Dids, IReadOnlyList<string>? Schemes, string? RseExpression, bool AllStates);

/// <summary>One file with its replicas, before rendering (JSON line or metalink).</summary>
internal sealed record FileReplicas(string Scope, string Name, long? Bytes, string? Md5, string? Adler32, List<(string Pfn, string RseId, string Rse, string RseType, bool Volatile, string State)> Pfns, Dictionary<string, string> States);

/// <summary>
/// POST /replicas/list and GET /replicas/{scope}/{name}: one entry per file, streamed straight from one query
/// (files in name order, replicas by RSE name), with a PFN per protocol that serves wan reads.
/// </summary>
internal sealed class ReplicaListing(SandboxDatabase database)
{
    public async IAsyncEnumerable<FileReplicas> ListAsync(ReplicaQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        HashSet<string>? allowedRses = null;
        if (!string.IsNullOrEmpty(query.RseExpression))
        {
            allowedRses = (await RseUniverse.ResolveAsync(connection, query.RseExpression, StatusCodes.Status400BadRequest, cancellationToken)).Select(r => r.Rse.Id).ToHashSet(StringComparer.Ordinal);
        }

        var protocols = await RseStore.AllProtocolsAsync(connection, cancellationToken);
        // One DID's files are distinct already; remembering them would hold 100k names in memory for nothing.
        var seen = query.Dids.Count > 1 ? new HashSet<(string, string)>() : null;
        foreach (var (scope, name) in query.Dids)
        {
            await foreach (var file in FilesOfAsync(connection, scope, name, query, allowedRses, protocols, cancellationToken))
            {
                if (seen is null || seen.Add((file.Scope, file.Name)))
                {
                    yield return file;
                }
            }
        }
    }

    public static PyDict ToJson(FileReplicas file)
    {
        var pfns = new PyDict();
        var rses = new PyDict();
        var priority = 0;
        foreach (var pfn in file.Pfns)
        {
            pfns.Add(pfn.Pfn, new PyDict
            {
                { "rse_id", pfn.RseId }, { "rse", pfn.Rse }, { "type", pfn.RseType }, { "volatile", pfn.Volatile },
                { "domain", "wan" }, { "priority", ++priority }, { "client_extract", false },
            });
            if (rses[pfn.Rse] is List<string> list)
            {
                list.Add(pfn.Pfn);
            }
            else
            {
                rses.Add(pfn.Rse, new List<string> { pfn.Pfn });
            }
        }

        var states = new PyDict();
        foreach (var (rse, state) in file.States)
        {
            states.Add(rse, state);
        }

        return new PyDict
        {
            { "scope", file.Scope }, { "name", file.Name }, { "bytes", file.Bytes }, { "md5", file.Md5 }, { "adler32", file.Adler32 },
            { "pfns", pfns }, { "rses", rses }, { "states", states },
        };
    }

    public static string ToMetalink(FileReplicas file)
    {
        static string Escape(string text) => System.Security.SecurityElement.Escape(text) ?? string.Empty;
        var builder = new StringBuilder();
        builder.Append(" <file name=\"").Append(Escape(file.Name)).Append("\">\n");
        builder.Append("  <identity>").Append(Escape(file.Scope + ":" + file.Name)).Append("</identity>\n");
        if (file.Adler32 is not null)
        {
            builder.Append("  <hash type=\"adler32\">").Append(file.Adler32).Append("</hash>\n");
        }

        if (file.Md5 is not null)
        {
            builder.Append("  <hash type=\"md5\">").Append(file.Md5).Append("</hash>\n");
        }

        builder.Append("  <size>").Append(file.Bytes).Append("</size>\n");
        builder.Append("  <glfn name=\"/generic/rucio/").Append(Escape(file.Scope + ":" + file.Name)).Append("\"></glfn>\n");
        var priority = 0;
        foreach (var pfn in file.Pfns)
        {
            builder.Append("  <url location=\"").Append(Escape(pfn.Rse)).Append("\" domain=\"wan\" priority=\"").Append(++priority)
                .Append("\" client_extract=\"false\">").Append(Escape(pfn.Pfn)).Append("</url>\n");
        }

        return builder.Append(" </file>\n").ToString();
    }

    private static async IAsyncEnumerable<FileReplicas> FilesOfAsync(
        SqliteConnection connection,
        string scope,
        string name,
        ReplicaQuery query,
        HashSet<string>? allowedRses,
        Dictionary<string, List<RseProtocol>> protocols,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            DidStore.FilesBelowCte + """
            , files AS (SELECT DISTINCT scope, name FROM tree WHERE did_type = 'F')
            SELECT f.scope, f.name, d.bytes, d.md5, d.adler32, r.rse_id, s.rse, s.rse_type, s.volatile, r.path, r.state
            FROM files f JOIN dids d ON d.scope = f.scope AND d.name = f.name
            JOIN replicas r ON r.scope = f.scope AND r.name = f.name
            JOIN rses s ON s.id = r.rse_id
            WHERE ($all = 1 OR r.state = 'A')
            ORDER BY f.scope, f.name, s.rse
            """,
            ("$root_scope", scope),
            ("$root_name", name),
            ("$all", query.AllStates ? 1 : 0));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        FileReplicas? current = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var rseId = reader.GetString(5);
            if (allowedRses is not null && !allowedRses.Contains(rseId))
            {
                continue;
            }

            var fileScope = reader.GetString(0);
            var fileName = reader.GetString(1);
            if (current is null || current.Scope != fileScope || current.Name != fileName)
            {
                if (current is not null && current.States.Count > 0)
                {
                    yield return current;
                }

                current = new FileReplicas(
                    fileScope, fileName, reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), [], new Dictionary<string, string>(StringComparer.Ordinal));
            }

            var rse = reader.GetString(6);
            var path = reader.GetString(9);
            var rseProtocols = protocols.TryGetValue(rseId, out var list) ? list : [];
            var usable = rseProtocols
                .Where(p => p.ReadWan > 0 && (query.Schemes is null || query.Schemes.Contains(p.Scheme)))
                .OrderBy(p => p.ReadWan);
            var added = false;
            foreach (var protocol in usable)
            {
                current.Pfns.Add((protocol.Pfn(path), rseId, rse, reader.GetString(7), reader.GetInt64(8) != 0, reader.GetString(10)));
                added = true;
            }

            if (added)
            {
                current.States[rse] = ReplicaStates.Name(reader.GetString(10));
            }
        }

        if (current is not null && current.States.Count > 0)
        {
            yield return current;
        }
    }
}
