using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.State;

namespace Rucio.JupyterLab.Server.Hosting;

/// <summary>
/// Background start-up work that must not delay readiness: fetching remote <c>$url</c> configurations (so the
/// first <c>instances</c> call does not wait on them) and removing expired cache entries.
/// </summary>
internal sealed class RemoteConfigWarmUp(InstanceRegistry registry, CacheStore cache, ILogger<RemoteConfigWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await registry.WarmUpAsync(stoppingToken);
            var removed = await cache.RemoveExpiredAsync(stoppingToken);
            logger.LogDebug("Start-up maintenance done; {Count} expired cache entries removed", removed);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down before warm-up finished.
        }
        catch (Exception ex)
        {
            // Failures of individual fetches are reported per instance; this is only for the unexpected.
            logger.LogWarning(ex, "Start-up maintenance failed");
        }
    }
}
