using System.IO.Enumeration;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rules;
using Rucio.Sandbox.Storage;

namespace Rucio.Sandbox.Transfers;

/// <summary>A queued transfer picked by the worker, with its chosen source.</summary>
internal sealed record TransferJob(string RequestId, string Scope, string Name, string DestinationRseId, string DestinationRse, string? SourceRse, string Path, string? Adler32);

/// <summary>
/// Plays FTS: takes QUEUED requests, picks an AVAILABLE source replica on another RSE, waits --transfer-delay,
/// copies the real bytes (throttled, checksummed, temporary name then rename) and completes or fails the locks.
/// </summary>
internal sealed partial class TransferWorker(
    SandboxDatabase database,
    RuleBookkeeping bookkeeping,
    StorageLayout storage,
    SandboxOptions options,
    TimeProvider time,
    ILogger<TransferWorker> logger) : BackgroundService
{
    private const int Parallelism = 2;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            try
            {
                if (running.Count < Parallelism)
                {
                    foreach (var job in await ClaimAsync(Parallelism - running.Count, stoppingToken))
                    {
                        running.Add(RunAsync(job, stoppingToken));
                    }
                }

                await Task.Delay(PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                LogWorkerError(logger, ex);
                await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Marks up to <paramref name="count"/> queued requests SUBMITTED, choosing their sources.</summary>
    private async Task<List<TransferJob>> ClaimAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var queued = await connection.ListAsync(
            """
            SELECT q.id, q.scope, q.name, q.dest_rse_id, d.rse, r.path, q.adler32,
                   (SELECT s.id FROM replicas sr JOIN rses s ON s.id = sr.rse_id
                    WHERE sr.scope = q.scope AND sr.name = q.name AND sr.state = 'A' AND sr.rse_id <> q.dest_rse_id AND s.availability_read = 1
                    ORDER BY s.rse LIMIT 1) AS source_id
            FROM requests q JOIN rses d ON d.id = q.dest_rse_id
            JOIN replicas r ON r.scope = q.scope AND r.name = q.name AND r.rse_id = q.dest_rse_id
            WHERE q.state = 'Q' ORDER BY q.priority DESC, q.created_at LIMIT $count
            """,
            r => (Id: r.GetString(0), Scope: r.GetString(1), Name: r.GetString(2), DestId: r.GetString(3), Dest: r.GetString(4), Path: r.GetString(5), Adler: r.Str("adler32"), Source: r.Str("source_id")),
            cancellationToken,
            ("$count", count));
        var jobs = new List<TransferJob>();
        var now = RucioTime.Now(time);
        foreach (var item in queued)
        {
            await connection.ExecuteAsync(
                "UPDATE requests SET state = 'S', source_rse_id = $src, submitted_at = $now, started_at = $now, updated_at = $now WHERE id = $id",
                cancellationToken,
                ("$src", item.Source), ("$now", now), ("$id", item.Id));
            var sourceName = item.Source is null ? null : await connection.ScalarAsync("SELECT rse FROM rses WHERE id = $id", cancellationToken, ("$id", item.Source)) as string;
            jobs.Add(new TransferJob(item.Id, item.Scope, item.Name, item.DestId, item.Dest, sourceName, item.Path, item.Adler));
        }

        await transaction.CommitAsync(cancellationToken);
        return jobs;
    }

    private async Task RunAsync(TransferJob job, CancellationToken cancellationToken)
    {
        string? failure;
        try
        {
            await Task.Delay(options.TransferDelay, time, cancellationToken);
            failure = await CopyAsync(job, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failure = $"Transfer error: {ex.Message}";
        }

        try
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            var stillWanted = await connection.ScalarAsync("SELECT 1 FROM requests WHERE id = $id", CancellationToken.None, ("$id", job.RequestId)) is not null;
            if (failure is null && stillWanted)
            {
                await bookkeeping.ReplicaAvailableAsync(connection, job.Scope, job.Name, job.DestinationRseId, CancellationToken.None);
            }
            else if (failure is not null && stillWanted)
            {
                LogTransferFailed(logger, job.Scope, job.Name, job.DestinationRse, failure);
                await bookkeeping.TransferFailedAsync(connection, job.Scope, job.Name, job.DestinationRseId, failure, CancellationToken.None);
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            LogWorkerError(logger, ex);
        }
    }

    /// <summary>Copies the bytes; returns null on success or the human reason of the failure.</summary>
    private async Task<string?> CopyAsync(TransferJob job, CancellationToken cancellationToken)
    {
        if (options.TransferFailGlob is { } glob && FileSystemName.MatchesSimpleExpression(glob, Path.GetFileName(job.Name), ignoreCase: false))
        {
            return $"Transfer failed: simulated failure for files matching '{glob}' (--transfer-fail)";
        }

        if (job.SourceRse is null)
        {
            return "No source replica available: no other RSE holds an AVAILABLE copy of this file";
        }

        var source = storage.LocalPath(job.SourceRse, job.Path);
        var destination = storage.LocalPath(job.DestinationRse, job.Path);
        if (source is null || destination is null || !File.Exists(source))
        {
            return $"Source file missing on {job.SourceRse}: {job.Path}";
        }

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temporary = destination + ".transfer-" + job.RequestId;
        var adler = new Checksums.Adler32State();
        try
        {
            await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[64 * 1024];
                var started = time.GetTimestamp();
                long copied = 0;
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    adler.Append(buffer.AsSpan(0, read));
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    copied += read;
                    await ThrottleAsync(copied, started, cancellationToken);
                }
            }

            if (job.Adler32 is not null && !string.Equals(job.Adler32, adler.Hex, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(temporary);
                return $"Checksum mismatch: source {job.SourceRse} has adler32 {adler.Hex}, the catalogue expects {job.Adler32}";
            }

            File.Move(temporary, destination, overwrite: true);
            return null;
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private async Task ThrottleAsync(long copied, long started, CancellationToken cancellationToken)
    {
        if (options.TransferBandwidth <= 0)
        {
            return;
        }

        var due = TimeSpan.FromSeconds((double)copied / options.TransferBandwidth);
        var elapsed = time.GetElapsedTime(started);
        if (due > elapsed)
        {
            await Task.Delay(due - elapsed, time, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transfer worker error")]
    private static partial void LogWorkerError(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transfer of {Scope}:{Name} to {Rse} failed: {Reason}")]
    private static partial void LogTransferFailed(ILogger logger, string scope, string name, string rse, string reason);
}
