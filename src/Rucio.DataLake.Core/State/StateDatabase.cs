using Microsoft.Data.Sqlite;

namespace Rucio.DataLake.Core.State;

/// <summary>
/// The SQLite file holding the user's state (selected instance, auth methods, credentials, caches). The directory
/// is kept 0700 and the file 0600 because it stores passwords; the schema is created once, when opened.
/// </summary>
internal sealed class StateDatabase
{
    public const string FileName = "state.db";

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const int SchemaVersion = 1;

    private readonly string _connectionString;

    private StateDatabase(string directory)
    {
        Directory = directory;
        FilePath = Path.Combine(directory, FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Seconds a statement waits on a lock held by a concurrent writer before failing.
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Directory { get; }

    public string FilePath { get; }

    /// <summary>Creates (or tightens) the directory and file modes, then the schema.</summary>
    public static async Task<StateDatabase> OpenAsync(string directory, CancellationToken cancellationToken)
    {
        directory = Path.GetFullPath(directory);
        var database = new StateDatabase(directory);
        database.PrepareFiles();
        await database.CreateSchemaAsync(cancellationToken);
        return database;
    }

    /// <summary>An open connection from the pool; dispose it after use.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void PrepareFiles()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, DirectoryMode);
            // An existing directory (e.g. created by the Python extension at the default umask) is tightened too.
            File.SetUnixFileMode(Directory, DirectoryMode);
            foreach (var path in new[] { FilePath, FilePath + "-wal", FilePath + "-shm", FilePath + "-journal" })
            {
                if (!File.Exists(path) && path != FilePath)
                {
                    continue;
                }

                // Creating the file ourselves fixes its mode before SQLite writes any secret into it; SQLite gives
                // its -wal and -shm companions the mode of the main file.
                using (new FileStream(path, new FileStreamOptions
                {
                    Mode = System.IO.FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    UnixCreateMode = FileMode,
                }))
                {
                }

                File.SetUnixFileMode(path, FileMode);
            }
        }
    }

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS settings (
                key   TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS instance_auth (
                instance   TEXT PRIMARY KEY,
                auth_type  TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS credentials (
                instance   TEXT NOT NULL,
                auth_type  TEXT NOT NULL,
                params     TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (instance, auth_type)
            );
            CREATE TABLE IF NOT EXISTS cache_entries (
                instance   TEXT NOT NULL,
                kind       TEXT NOT NULL,
                key        TEXT NOT NULL,
                value      BLOB NOT NULL,
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (instance, kind, key)
            );
            CREATE INDEX IF NOT EXISTS cache_entries_expiry ON cache_entries (expires_at);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);

        command.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The state database '{FilePath}' was written by a newer version (schema {version}, this one knows {SchemaVersion}).");
        }

        command.CommandText = $"PRAGMA user_version = {SchemaVersion};";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
