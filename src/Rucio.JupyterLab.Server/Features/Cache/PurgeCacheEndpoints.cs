using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.State;
using Rucio.JupyterLab.Server.Features.Replica;
using Rucio.JupyterLab.Server.Features.Status;

namespace Rucio.JupyterLab.Server.Features.Cache;

/// <summary>
/// <c>POST purge-cache</c>: empties the cache table and the in-memory statuses, drops every Rucio client (and so every token) and makes remote
/// configurations refetch. Credentials and choices are kept. Works without <c>namespace</c> (the frontend sends
/// none); with one, only that instance's cache entries and clients are dropped.
/// </summary>
internal static class PurgeCacheEndpoints
{
    public static RouteGroupBuilder MapPurgeCache(this RouteGroupBuilder api)
    {
        api.MapPost("/purge-cache", PurgeAsync);
        return api;
    }

    private static async Task<IResult> PurgeAsync(
        HttpContext context, CacheStore cache, RucioClientFactory factory, InstanceRegistry registry, DidStatusCache statuses,
        RucioIdentity identity, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var instance = context.Request.Query["namespace"].ToString() is { Length: > 0 } name ? name : null;
        var removed = await cache.PurgeAsync(instance, cancellationToken);
        await statuses.InvalidateAsync(instance, cancellationToken);
        identity.Clear(instance);
        if (instance is null)
        {
            factory.InvalidateAll();
            registry.ExpireRemoteDocuments();
        }
        else
        {
            factory.Invalidate(instance);
        }

        loggers.CreateLogger(typeof(PurgeCacheEndpoints)).LogInformation(
            "Cache purged ({Scope}): {Count} entries removed, clients and tokens dropped", instance ?? "all instances", removed);
        return Results.Json(new { success = true });
    }
}
