using System.Globalization;
using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Dids;

/// <summary>
/// The DID columns of Rucio's DID_COLUMN metadata plugin: which keys can be set and filtered on, and the full
/// /meta document.
/// </summary>
internal static class DidColumns
{
    /// <summary>Metadata keys stored as text.</summary>
    public static readonly HashSet<string> TextKeys = new(StringComparer.Ordinal)
    {
        "project", "datatype", "stream_name", "prod_step", "version", "campaign", "provenance", "phys_group", "guid",
    };

    /// <summary>Metadata keys stored as integers.</summary>
    public static readonly HashSet<string> IntegerKeys = new(StringComparer.Ordinal)
    {
        "run_number", "task_id", "panda_id", "lumiblocknr", "events",
    };

    /// <summary>Keys the search filters accept, with their SQL column and whether they are numeric.</summary>
    public static bool TryFilterColumn(string key, out string column, out bool numeric)
    {
        numeric = IntegerKeys.Contains(key) || key is "bytes" or "length";
        column = key;
        return TextKeys.Contains(key) || IntegerKeys.Contains(key)
            || key is "name" or "bytes" or "length" or "account" or "md5" or "adler32" or "created_at" or "updated_at";
    }

    public static bool IsSettable(string key) => TextKeys.Contains(key) || IntegerKeys.Contains(key);

    /// <summary>Converts a metadata value to what the column stores; InvalidValueForKey when it cannot.</summary>
    public static object? ToColumnValue(string key, object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!IntegerKeys.Contains(key))
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture);
            return key == "guid" ? text?.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant() : text;
        }

        return value switch
        {
            long number => number,
            double real when real == Math.Floor(real) => (long)real,
            bool flag => flag ? 1L : 0L,
            string text when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new RucioException(StatusCodes.Status400BadRequest, "InvalidValueForKey", $"The value {value} for the key {key} is not valid"),
        };
    }

    public const string MetaSelect = """
        SELECT scope, name, account, did_type, is_open, monotonic, hidden, bytes, length, md5, adler32, expired_at,
               events, guid, project, datatype, run_number, stream_name, prod_step, version, campaign, task_id, panda_id,
               lumiblocknr, provenance, phys_group, transient, closed_at, created_at, updated_at
        FROM dids WHERE scope = $s AND name = $n
        """;

    /// <summary>The /meta document, in Rucio's key order (constant columns carry their defaults).</summary>
    public static PyDict Meta(SqliteDataReader r) => new()
    {
        { "scope", r.GetString(0) }, { "name", r.GetString(1) }, { "account", r.GetString(2) },
        { "did_type", DidTypes.Name(r.GetString(3)) }, { "is_open", r.NullableBool("is_open") }, { "monotonic", r.Bool("monotonic") },
        { "hidden", r.Bool("hidden") }, { "obsolete", false }, { "complete", null }, { "is_new", true },
        { "availability", "AVAILABLE" }, { "suppressed", false }, { "bytes", r.Long("bytes") }, { "length", r.Long("length") },
        { "md5", r.Str("md5") }, { "adler32", r.Str("adler32") }, { "expired_at", RucioTime.Rfc1123(r.Str("expired_at")) },
        { "purge_replicas", true }, { "deleted_at", null }, { "events", r.Long("events") }, { "guid", r.Str("guid") },
        { "project", r.Str("project") }, { "datatype", r.Str("datatype") }, { "run_number", r.Long("run_number") },
        { "stream_name", r.Str("stream_name") }, { "prod_step", r.Str("prod_step") }, { "version", r.Str("version") },
        { "campaign", r.Str("campaign") }, { "task_id", r.Long("task_id") }, { "panda_id", r.Long("panda_id") },
        { "lumiblocknr", r.Long("lumiblocknr") }, { "provenance", r.Str("provenance") }, { "phys_group", r.Str("phys_group") },
        { "transient", r.Bool("transient") }, { "accessed_at", null }, { "closed_at", RucioTime.Rfc1123(r.Str("closed_at")) },
        { "eol_at", null }, { "is_archive", null }, { "constituent", null }, { "access_cnt", null },
        { "created_at", RucioTime.Rfc1123(r.GetString(28)) }, { "updated_at", RucioTime.Rfc1123(r.GetString(29)) },
    };
}
