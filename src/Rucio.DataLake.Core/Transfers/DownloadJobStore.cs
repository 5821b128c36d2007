using Microsoft.Data.Sqlite;
using Rucio.Client;
using Rucio.DataLake.Core.State;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>States of a queued download, as shown in the Transfers tab.</summary>
internal enum DownloadJobState
{
    /// <summary>Waiting for a worker.</summary>
    Queued,

    /// <summary>A worker of this process is transferring it.</summary>
    Running,

    /// <summary>Every file is present and verified.</summary>
    Completed,

    /// <summary>Some file failed, or the worker died (backend restart); <see cref="DownloadQueue.ResumeAsync"/> retries.</summary>
    Failed,

    /// <summary>Stopped by the user; partial files were removed.</summary>
    Cancelled,
}

/// <summary>A download job as stored and reported.</summary>
internal sealed record DownloadJob
{
    public required string Id { get; init; }

    public required string Instance { get; init; }

    public required Did Did { get; init; }

    public required string DestinationRoot { get; init; }

    public DownloadJobState State { get; init; }

    public int FilesTotal { get; init; }

    public int FilesDone { get; init; }

    public int FilesFailed { get; init; }

    public long BytesTotal { get; init; }

    public long BytesDone { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The <c>download_jobs</c> table in the SQLite file the caller names. One connection per call (pooled).</summary>
internal sealed class DownloadJobStore(string databasePath, TimeProvider time)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        await ExecuteAsync(
            """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS download_jobs (
                id               TEXT PRIMARY KEY,
                instance         TEXT NOT NULL,
                scope            TEXT NOT NULL,
                name             TEXT NOT NULL,
                destination_root TEXT NOT NULL,
                state            TEXT NOT NULL,
                files_total      INTEGER NOT NULL DEFAULT 0,
                files_done       INTEGER NOT NULL DEFAULT 0,
                files_failed     INTEGER NOT NULL DEFAULT 0,
                bytes_total      INTEGER NOT NULL DEFAULT 0,
                bytes_done       INTEGER NOT NULL DEFAULT 0,
                error            TEXT,
                created_at       INTEGER NOT NULL,
                updated_at       INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS download_jobs_instance ON download_jobs (instance, created_at);
            """,
            cancellationToken);
    }

    public async Task InsertAsync(DownloadJob job, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            """
            INSERT INTO download_jobs (id, instance, scope, name, destination_root, state, created_at, updated_at)
            VALUES ($id, $instance, $scope, $name, $root, $state, $now, $now);
            """,
            cancellationToken,
            ("$id", job.Id), ("$instance", job.Instance), ("$scope", job.Did.Scope), ("$name", job.Did.Name),
            ("$root", job.DestinationRoot), ("$state", Name(job.State)), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));

    /// <summary>Sets the state (and error) only when the job is currently in one of <paramref name="from"/>; true when it changed.</summary>
    public async Task<bool> TransitionAsync(string id, DownloadJobState to, string? error, CancellationToken cancellationToken, params DownloadJobState[] from) =>
        await ExecuteAsync(
            $"UPDATE download_jobs SET state = $to, error = $error, updated_at = $now WHERE id = $id AND state IN ({string.Join(", ", from.Select(s => $"'{Name(s)}'"))});",
            cancellationToken,
            ("$to", Name(to)), ("$error", error), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$id", id)) > 0;

    public async Task SaveProgressAsync(string id, TransferProgress progress, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            """
            UPDATE download_jobs SET files_total = $ft, files_done = $fd, files_failed = $ff, bytes_total = $bt, bytes_done = $bd, updated_at = $now
            WHERE id = $id;
            """,
            cancellationToken,
            ("$ft", progress.FilesTotal), ("$fd", progress.FilesDone), ("$ff", progress.FilesFailed), ("$bt", progress.BytesTotal),
            ("$bd", progress.BytesDone), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$id", id));

    /// <summary>Jobs left RUNNING by a process that is gone become FAILED (resumable); their ids are returned.</summary>
    public async Task<int> FailInterruptedAsync(CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE download_jobs SET state = $failed, error = $error, updated_at = $now WHERE state = $running;",
            cancellationToken,
            ("$failed", Name(DownloadJobState.Failed)),
            ("$error", "The transfer was interrupted (the backend stopped while it ran). Resume it to continue where it stopped."),
            ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()),
            ("$running", Name(DownloadJobState.Running)));

    public async Task<DownloadJob?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = $id", cancellationToken, ("$id", id))).FirstOrDefault();

    public Task<IReadOnlyList<DownloadJob>> ListAsync(string? instance, CancellationToken cancellationToken) =>
        instance is null
            ? QueryAsync("ORDER BY created_at, rowid", cancellationToken)
            : QueryAsync("WHERE instance = $instance ORDER BY created_at, rowid", cancellationToken, ("$instance", instance));

    public Task<IReadOnlyList<DownloadJob>> ListInStateAsync(DownloadJobState state, CancellationToken cancellationToken) =>
        QueryAsync("WHERE state = $state ORDER BY created_at, rowid", cancellationToken, ("$state", Name(state)));

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        await ExecuteAsync("DELETE FROM download_jobs WHERE id = $id AND state <> $running;", cancellationToken,
            ("$id", id), ("$running", Name(DownloadJobState.Running))) > 0;

    private static string Name(DownloadJobState state) => state.ToString().ToUpperInvariant();

    private async Task<IReadOnlyList<DownloadJob>> QueryAsync(string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"""
            SELECT id, instance, scope, name, destination_root, state, files_total, files_done, files_failed, bytes_total,
                   bytes_done, error, created_at, updated_at
            FROM download_jobs {where};
            """;
        SqliteParameters.Bind(command, parameters);
        var jobs = new List<DownloadJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new DownloadJob
            {
                Id = reader.GetString(0),
                Instance = reader.GetString(1),
                Did = new Did(reader.GetString(2), reader.GetString(3)),
                DestinationRoot = reader.GetString(4),
                State = Enum.Parse<DownloadJobState>(reader.GetString(5), ignoreCase: true),
                FilesTotal = reader.GetInt32(6),
                FilesDone = reader.GetInt32(7),
                FilesFailed = reader.GetInt32(8),
                BytesTotal = reader.GetInt64(9),
                BytesDone = reader.GetInt64(10),
                Error = reader.IsDBNull(11) ? null : reader.GetString(11),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
                UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13)),
            });
        }

        return jobs;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqliteParameters.ExecuteAsync(connection, sql, cancellationToken, parameters);
    }


    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
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
}
