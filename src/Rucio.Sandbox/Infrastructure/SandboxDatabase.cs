using Microsoft.Data.Sqlite;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>
/// Opens connections to <c>DIR/sandbox.db</c>. Microsoft.Data.Sqlite pools connections, so one connection per
/// operation is cheap; WAL lets streamed reads run while the transfer worker writes.
/// </summary>
internal sealed class SandboxDatabase
{
    private readonly string _connectionString;

    public SandboxDatabase(SandboxOptions options)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Busy waits are retried by Microsoft.Data.Sqlite up to this many seconds.
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Creates the schema (idempotent) and switches the file to WAL mode.</summary>
    public void Initialize()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL;";
            pragma.ExecuteNonQuery();
        }

        using var command = connection.CreateCommand();
        command.CommandText = Schema.Ddl;
        command.ExecuteNonQuery();
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Clears pooled handles so the database file can be deleted after the app is disposed.</summary>
    public static void ReleasePooledConnections() => SqliteConnection.ClearAllPools();
}
