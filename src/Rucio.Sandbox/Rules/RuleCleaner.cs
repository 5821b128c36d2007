using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Rules;

/// <summary>Judge-cleaner and reaper: removes expired rules every second and deletes unprotected copies.</summary>
internal sealed partial class RuleCleaner(SandboxDatabase database, RuleBookkeeping bookkeeping, TimeProvider time, ILogger<RuleCleaner> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using (var connection = await database.OpenAsync(stoppingToken))
                {
                    var removed = await bookkeeping.CleanExpiredAsync(connection, stoppingToken);
                    if (removed > 0)
                    {
                        LogRemoved(logger, removed);
                    }
                }

                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                LogFailed(logger, ex);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule cleaner removed {Count} expired rule(s)")]
    private static partial void LogRemoved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule cleaner failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
