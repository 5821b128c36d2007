namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>
/// Runs one persisted job queue (downloads or uploads) for the lifetime of the backend. A queue that dies of a
/// database or disk error is logged instead of taking the whole backend down: browsing and search keep working.
/// </summary>
internal sealed class JobQueueWorker(string queue, Func<CancellationToken, Task> run, ILogger<JobQueueWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await run(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            logger.LogError(ex, "The {Queue} queue stopped; its transfers will not run until the backend restarts", queue);
        }
    }
}
