using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Dids;

/// <summary>A data identifier row (the columns most code needs).</summary>
internal sealed record DidRecord(
    string Scope,
    string Name,
    string Type,
    string Account,
    bool? IsOpen,
    bool Monotonic,
    long? Bytes,
    long? Length,
    string? Md5,
    string? Adler32,
    string? ExpiredAt)
{
    public bool IsFile => Type == DidTypes.File;
    public bool IsCollection => !IsFile;
    public string TypeName => DidTypes.Name(Type);
}

/// <summary>DID type codes as stored ('F', 'D', 'C') and their wire names.</summary>
internal static class DidTypes
{
    public const string File = "F";
    public const string Dataset = "D";
    public const string Container = "C";

    public static string Name(string code) => code switch
    {
        File => "FILE",
        Dataset => "DATASET",
        Container => "CONTAINER",
        _ => code,
    };
}

/// <summary>Look-ups of DIDs shared by several features.</summary>
internal static class DidStore
{
    private const string Columns = "scope, name, did_type, account, is_open, monotonic, bytes, length, md5, adler32, expired_at";

    public static DidRecord Map(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.NullableBool("is_open"), r.GetInt64(5) != 0,
        r.Long("bytes"), r.Long("length"), r.Str("md5"), r.Str("adler32"), r.Str("expired_at"));

    public static Task<DidRecord?> FindAsync(SqliteConnection connection, string scope, string name, CancellationToken cancellationToken)
        => connection.FirstOrDefaultAsync($"SELECT {Columns} FROM dids WHERE scope = $s AND name = $n", Map, cancellationToken, ("$s", scope), ("$n", name));

    public static async Task<DidRecord> RequireAsync(SqliteConnection connection, string scope, string name, CancellationToken cancellationToken)
        => await FindAsync(connection, scope, name, cancellationToken) ?? throw RucioException.DidNotFound(scope, name);

    public static async Task<string?> ScopeOwnerAsync(SqliteConnection connection, string scope, CancellationToken cancellationToken)
        => await connection.ScalarAsync("SELECT account FROM scopes WHERE scope = $s", cancellationToken, ("$s", scope)) as string;

    /// <summary>
    /// Every file below a DID (the DID itself when it is a file), with the dataset that directly holds it, in
    /// (scope, name) order. Used by rules and replica listings.
    /// </summary>
    public const string FilesBelowCte = """
        WITH RECURSIVE tree(scope, name, did_type, parent_scope, parent_name) AS (
            SELECT scope, name, did_type, NULL, NULL FROM dids WHERE scope = $root_scope AND name = $root_name
            UNION
            SELECT c.child_scope, c.child_name, c.child_type, c.scope, c.name
            FROM contents c JOIN tree t ON c.scope = t.scope AND c.name = t.name
            WHERE t.did_type <> 'F'
        )
        """;
}
