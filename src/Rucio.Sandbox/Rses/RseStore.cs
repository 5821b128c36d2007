using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Rses;

/// <summary>Catalogue access for RSEs, their attributes and protocols.</summary>
internal static class RseStore
{
    private const string RseColumns = "id, rse, rse_type, deterministic, volatile, staging_area, availability_read, availability_write, availability_delete, qos_class";

    public static RseRecord Map(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3) != 0, r.GetInt64(4) != 0, r.GetInt64(5) != 0,
        r.GetInt64(6) != 0, r.GetInt64(7) != 0, r.GetInt64(8) != 0, r.IsDBNull(9) ? null : r.GetString(9));

    public static Task<RseRecord?> FindAsync(SqliteConnection connection, string name, CancellationToken cancellationToken)
        => connection.FirstOrDefaultAsync($"SELECT {RseColumns} FROM rses WHERE rse = $rse", Map, cancellationToken, ("$rse", name));

    public static async Task<RseRecord> RequireAsync(SqliteConnection connection, string name, CancellationToken cancellationToken)
        => await FindAsync(connection, name, cancellationToken) ?? throw RucioException.RseNotFound(name);

    public static Task<RseRecord?> FindByIdAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
        => connection.FirstOrDefaultAsync($"SELECT {RseColumns} FROM rses WHERE id = $id", Map, cancellationToken, ("$id", id));

    public static Task<List<RseRecord>> ListAsync(SqliteConnection connection, CancellationToken cancellationToken)
        => connection.ListAsync($"SELECT {RseColumns} FROM rses ORDER BY rse", Map, cancellationToken);

    public static Task<List<RseAttribute>> AttributesAsync(SqliteConnection connection, string rseId, CancellationToken cancellationToken)
        => connection.ListAsync(
            "SELECT key, value, is_bool FROM rse_attrs WHERE rse_id = $id ORDER BY key",
            r => new RseAttribute(r.GetString(0), r.Str("value"), r.GetInt64(2) != 0),
            cancellationToken,
            ("$id", rseId));

    public static async Task<Dictionary<string, Dictionary<string, RseAttribute>>> AllAttributesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Dictionary<string, RseAttribute>>(StringComparer.Ordinal);
        await foreach (var (rseId, attribute) in connection.QueryAsync(
            "SELECT rse_id, key, value, is_bool FROM rse_attrs",
            r => (r.GetString(0), new RseAttribute(r.GetString(1), r.Str("value"), r.GetInt64(3) != 0)),
            cancellationToken))
        {
            if (!result.TryGetValue(rseId, out var attributes))
            {
                result[rseId] = attributes = new Dictionary<string, RseAttribute>(StringComparer.Ordinal);
            }

            attributes[attribute.Key] = attribute;
        }

        return result;
    }

    public static Task<List<RseProtocol>> ProtocolsAsync(SqliteConnection connection, string rseId, CancellationToken cancellationToken)
        => connection.ListAsync(
            """
            SELECT scheme, hostname, port, prefix, impl, read_lan, write_lan, delete_lan, read_wan, write_wan, delete_wan,
                   tpc_read, tpc_write, extended_attributes, sandbox_served
            FROM rse_protocols WHERE rse_id = $id ORDER BY seq
            """,
            MapProtocol,
            cancellationToken,
            ("$id", rseId));

    /// <summary>All protocols keyed by RSE id, for listings that build PFNs for many replicas.</summary>
    public static async Task<Dictionary<string, List<RseProtocol>>> AllProtocolsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, List<RseProtocol>>(StringComparer.Ordinal);
        await foreach (var (rseId, protocol) in connection.QueryAsync(
            """
            SELECT scheme, hostname, port, prefix, impl, read_lan, write_lan, delete_lan, read_wan, write_wan, delete_wan,
                   tpc_read, tpc_write, extended_attributes, sandbox_served, rse_id
            FROM rse_protocols ORDER BY seq
            """,
            r => (r.GetString(15), MapProtocol(r)),
            cancellationToken))
        {
            if (!result.TryGetValue(rseId, out var list))
            {
                result[rseId] = list = [];
            }

            list.Add(protocol);
        }

        return result;
    }

    public static async Task SetAttributeAsync(SqliteConnection connection, string rseId, string key, object? value, CancellationToken cancellationToken)
    {
        var (text, isBool) = value switch
        {
            bool flag => (flag ? "True" : "False", true),
            null => ((string?)null, false),
            double number => (number.ToString(System.Globalization.CultureInfo.InvariantCulture), false),
            _ => (Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), false),
        };
        await connection.ExecuteAsync(
            "INSERT INTO rse_attrs (rse_id, key, value, is_bool) VALUES ($id, $k, $v, $b) ON CONFLICT (rse_id, key) DO UPDATE SET value = excluded.value, is_bool = excluded.is_bool",
            cancellationToken,
            ("$id", rseId),
            ("$k", key),
            ("$v", text),
            ("$b", isBool ? 1 : 0));
    }

    public static async Task AddProtocolAsync(SqliteConnection connection, string rseId, RseProtocol protocol, CancellationToken cancellationToken)
    {
        var next = await connection.ScalarAsync("SELECT COALESCE(MAX(seq), 0) + 1 FROM rse_protocols", cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO rse_protocols (rse_id, scheme, hostname, port, prefix, impl, read_lan, write_lan, delete_lan,
                read_wan, write_wan, delete_wan, tpc_read, tpc_write, extended_attributes, sandbox_served, seq)
            VALUES ($id, $scheme, $host, $port, $prefix, $impl, $rl, $wl, $dl, $rw, $ww, $dw, $tr, $tw, $ext, $served, $seq)
            """,
            cancellationToken,
            ("$id", rseId),
            ("$scheme", protocol.Scheme),
            ("$host", protocol.Hostname),
            ("$port", protocol.Port),
            ("$prefix", protocol.Prefix),
            ("$impl", protocol.Impl),
            ("$rl", protocol.ReadLan),
            ("$wl", protocol.WriteLan),
            ("$dl", protocol.DeleteLan),
            ("$rw", protocol.ReadWan),
            ("$ww", protocol.WriteWan),
            ("$dw", protocol.DeleteWan),
            ("$tr", protocol.ThirdPartyCopyRead),
            ("$tw", protocol.ThirdPartyCopyWrite),
            ("$ext", protocol.ExtendedAttributes),
            ("$served", protocol.SandboxServed ? 1 : 0),
            ("$seq", next));
    }

    private static RseProtocol MapProtocol(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
        (int)r.GetInt64(5), (int)r.GetInt64(6), (int)r.GetInt64(7), (int)r.GetInt64(8), (int)r.GetInt64(9),
        (int)r.GetInt64(10), (int)r.GetInt64(11), (int)r.GetInt64(12), r.IsDBNull(13) ? null : r.GetString(13),
        r.GetInt64(14) != 0);
}
