using Microsoft.Data.Sqlite;
using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>A local file uploaded to Rucio that is to be deleted once its replica is verified, not before <see cref="DeleteAfter"/>.</summary>
internal sealed record LedgerEntry(string Path, Did Did, string RseExpression, string? RuleId, long Bytes, string Adler32, DateTimeOffset UploadedAt, DateTimeOffset DeleteAfter, string? LastReason);

/// <summary>
/// Which scratch files were uploaded, as which DID, and when they may be deleted: a small SQLite file in the user's
/// data directory (<c>scratch-ledger.db</c>), so <c>datalake cleanup</c> (from cron) knows what it may verify and delete.
/// </summary>
internal sealed class DeletionLedger(string databasePath)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
        DefaultTimeout = 30,
    }.ToString();

    public string DatabasePath => databasePath;

    public async Task RecordAsync(IEnumerable<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var entry in entries)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                """
                INSERT INTO scratch_uploads (path, scope, name, rse_expression, rule_id, bytes, adler32, uploaded_at, delete_after, last_reason)
                VALUES ($path, $scope, $name, $expression, $rule, $bytes, $adler32, $uploaded, $after, NULL)
                ON CONFLICT (path) DO UPDATE SET scope = excluded.scope, name = excluded.name, rse_expression = excluded.rse_expression,
                    rule_id = excluded.rule_id, bytes = excluded.bytes, adler32 = excluded.adler32, uploaded_at = excluded.uploaded_at,
                    delete_after = excluded.delete_after, last_reason = NULL;
                """;
            command.Parameters.AddWithValue("$path", entry.Path);
            command.Parameters.AddWithValue("$scope", entry.Did.Scope);
            command.Parameters.AddWithValue("$name", entry.Did.Name);
            command.Parameters.AddWithValue("$expression", entry.RseExpression);
            command.Parameters.AddWithValue("$rule", (object?)entry.RuleId ?? DBNull.Value);
            command.Parameters.AddWithValue("$bytes", entry.Bytes);
            command.Parameters.AddWithValue("$adler32", entry.Adler32);
            command.Parameters.AddWithValue("$uploaded", entry.UploadedAt.ToUnixTimeSeconds());
            command.Parameters.AddWithValue("$after", entry.DeleteAfter.ToUnixTimeSeconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LedgerEntry>> ListAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(databasePath))
        {
            return [];
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT path, scope, name, rse_expression, rule_id, bytes, adler32, uploaded_at, delete_after, last_reason FROM scratch_uploads ORDER BY path;";
        var entries = new List<LedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new LedgerEntry(
                reader.GetString(0),
                new Did(reader.GetString(1), reader.GetString(2)),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt64(5),
                reader.GetString(6),
                DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(7)),
                DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return entries;
    }

    public async Task ForgetAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM scratch_uploads WHERE path = $path;";
        command.Parameters.AddWithValue("$path", path);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task NoteAsync(string path, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE scratch_uploads SET last_reason = $reason WHERE path = $path;";
        command.Parameters.AddWithValue("$path", path);
        command.Parameters.AddWithValue("$reason", reason);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText =
                """
                CREATE TABLE IF NOT EXISTS scratch_uploads (
                    path           TEXT PRIMARY KEY,
                    scope          TEXT NOT NULL,
                    name           TEXT NOT NULL,
                    rse_expression TEXT NOT NULL,
                    rule_id        TEXT,
                    bytes          INTEGER NOT NULL,
                    adler32        TEXT NOT NULL,
                    uploaded_at    INTEGER NOT NULL,
                    delete_after   INTEGER NOT NULL,
                    last_reason    TEXT
                );
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
