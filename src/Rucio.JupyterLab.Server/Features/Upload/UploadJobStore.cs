using Microsoft.Data.Sqlite;
using Rucio.Client;
using Rucio.DataLake.Core.State;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.JupyterLab.Server.Features.Upload;

/// <summary>The <c>upload_jobs</c> table of the state database, so the job list survives a restart.</summary>
internal sealed class UploadJobStore(StateDatabase state, TimeProvider time)
{
    private const string Columns =
        "id, instance, scope, name, dataset_scope, dataset_name, path, local_path, rse, lifetime_seconds, state, " +
        "files_total, files_done, bytes_total, bytes_done, error, created_at, updated_at";

    public async Task InitializeAsync(CancellationToken cancellationToken) =>
        await ExecuteAsync(
            """
            CREATE TABLE IF NOT EXISTS upload_jobs (
                id               TEXT PRIMARY KEY,
                instance         TEXT NOT NULL,
                scope            TEXT NOT NULL,
                name             TEXT NOT NULL,
                dataset_scope    TEXT,
                dataset_name     TEXT,
                path             TEXT NOT NULL,
                local_path       TEXT NOT NULL,
                rse              TEXT NOT NULL,
                lifetime_seconds INTEGER,
                state            TEXT NOT NULL,
                files_total      INTEGER NOT NULL DEFAULT 0,
                files_done       INTEGER NOT NULL DEFAULT 0,
                bytes_total      INTEGER NOT NULL DEFAULT 0,
                bytes_done       INTEGER NOT NULL DEFAULT 0,
                error            TEXT,
                created_at       INTEGER NOT NULL,
                updated_at       INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS upload_jobs_instance ON upload_jobs (instance, created_at);
            """,
            cancellationToken);

    public async Task InsertAsync(UploadJob job, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"""
            INSERT INTO upload_jobs ({Columns})
            VALUES ($id, $instance, $scope, $name, $dataset_scope, $dataset_name, $path, $local_path, $rse, $lifetime, $state,
                    0, 0, 0, 0, NULL, $created, $created);
            """,
            cancellationToken,
            ("$id", job.Id), ("$instance", job.Instance), ("$scope", job.Did.Scope), ("$name", job.Did.Name),
            ("$dataset_scope", job.Dataset?.Scope), ("$dataset_name", job.Dataset?.Name), ("$path", job.Path),
            ("$local_path", job.LocalPath), ("$rse", job.Rse), ("$lifetime", job.LifetimeSeconds), ("$state", Name(job.State)),
            ("$created", job.CreatedAt.ToUnixTimeMilliseconds()));

    /// <summary>Sets the state (and error) only when the job is in one of <paramref name="from"/>; true when it changed.</summary>
    public async Task<bool> TransitionAsync(string id, UploadJobState to, string? error, CancellationToken cancellationToken, params UploadJobState[] from) =>
        await ExecuteAsync(
            $"UPDATE upload_jobs SET state = $to, error = $error, updated_at = $now WHERE id = $id AND state IN ({string.Join(", ", from.Select(s => $"'{Name(s)}'"))});",
            cancellationToken,
            ("$to", Name(to)), ("$error", error), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$id", id)) > 0;

    public async Task SaveProgressAsync(string id, TransferProgress progress, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE upload_jobs SET files_total = $ft, files_done = $fd, bytes_total = $bt, bytes_done = $bd, updated_at = $now WHERE id = $id;",
            cancellationToken,
            ("$ft", progress.FilesTotal), ("$fd", progress.FilesDone), ("$bt", progress.BytesTotal), ("$bd", progress.BytesDone),
            ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$id", id));

    /// <summary>Jobs left RUNNING by a process that is gone become FAILED: no worker will ever finish them.</summary>
    public async Task FailInterruptedAsync(CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE upload_jobs SET state = $failed, error = $error, updated_at = $now WHERE state = $running;",
            cancellationToken,
            ("$failed", Name(UploadJobState.Failed)),
            ("$error", UploadMessages.Interrupted),
            ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()),
            ("$running", Name(UploadJobState.Running)));

    public async Task<UploadJob?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = $id", cancellationToken, ("$id", id))).FirstOrDefault();

    /// <summary>Jobs of one instance (all when null), oldest first.</summary>
    public Task<IReadOnlyList<UploadJob>> ListAsync(string? instance, CancellationToken cancellationToken) =>
        instance is null
            ? QueryAsync("ORDER BY created_at, rowid", cancellationToken)
            : QueryAsync("WHERE instance = $instance ORDER BY created_at, rowid", cancellationToken, ("$instance", instance));

    public Task<IReadOnlyList<UploadJob>> ListInStateAsync(UploadJobState state, CancellationToken cancellationToken) =>
        QueryAsync("WHERE state = $state ORDER BY created_at, rowid", cancellationToken, ("$state", Name(state)));

    /// <summary>Deletes a finished job; false when it is unknown or still queued or running.</summary>
    public async Task<bool> DeleteFinishedAsync(string id, CancellationToken cancellationToken) =>
        await ExecuteAsync("DELETE FROM upload_jobs WHERE id = $id AND state NOT IN ($queued, $running);", cancellationToken,
            ("$id", id), ("$queued", Name(UploadJobState.Queued)), ("$running", Name(UploadJobState.Running))) > 0;

    private static string Name(UploadJobState state) => state.ToString().ToUpperInvariant();

    private async Task<IReadOnlyList<UploadJob>> QueryAsync(string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await state.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM upload_jobs {where};";
        SqliteParameters.Bind(command, parameters);
        var jobs = new List<UploadJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new UploadJob
            {
                Id = reader.GetString(0),
                Instance = reader.GetString(1),
                Did = new Did(reader.GetString(2), reader.GetString(3)),
                Dataset = reader.IsDBNull(4) || reader.IsDBNull(5) ? null : new Did(reader.GetString(4), reader.GetString(5)),
                Path = reader.GetString(6),
                LocalPath = reader.GetString(7),
                Rse = reader.GetString(8),
                LifetimeSeconds = reader.IsDBNull(9) ? null : reader.GetInt64(9),
                State = Enum.Parse<UploadJobState>(reader.GetString(10), ignoreCase: true),
                FilesTotal = reader.GetInt32(11),
                FilesDone = reader.GetInt32(12),
                BytesTotal = reader.GetInt64(13),
                BytesDone = reader.GetInt64(14),
                Error = reader.IsDBNull(15) ? null : reader.GetString(15),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(16)),
                UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(17)),
            });
        }

        return jobs;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await state.OpenConnectionAsync(cancellationToken);
        return await SqliteParameters.ExecuteAsync(connection, sql, cancellationToken, parameters);
    }

}
