using System.Collections.Concurrent;
using Rucio.DataLake.Core.State;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Status;

/// <summary>How long statuses stay fresh and how many files the memory cache holds.</summary>
internal sealed record StatusCacheOptions
{
    /// <summary>Freshness of a status with files in transfer: short, so polls see progress.</summary>
    public TimeSpan BusyFreshness { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Freshness of a settled status (nothing in transfer).</summary>
    public TimeSpan SettledFreshness { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A refresh joins a computation already running only if it started at most this long before the refresh
    /// arrived; otherwise it waits for that one and starts its own, so a refresh never returns older data.
    /// </summary>
    public TimeSpan RefreshJoinWindow { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Files kept in memory over all cached statuses; the least recently used are dropped beyond it.</summary>
    public int MaxFilesInMemory { get; init; } = 500_000;

    /// <summary>Longest time one status computation may take.</summary>
    public TimeSpan ComputeTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Statuses per instance and key, in memory (the hot path, no I/O) and in the state database's cache table (survives
/// restarts), with one computation in flight per key however many requests poll. Computations run detached from the
/// request that started them, so one caller going away does not fail the others waiting on the same result.
/// </summary>
internal sealed class DidStatusCache(
    CacheStore store, RucioCallMetrics metrics, TimeProvider time, StatusCacheOptions options, IHostApplicationLifetime lifetime, ILogger<DidStatusCache> logger)
{
    /// <summary>The cache table's <c>kind</c> of status entries.</summary>
    public const string Kind = "did-status";

    private const string MetricName = "did_status";

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <param name="instance">The instance (partition of the cache table; purge-cache drops it).</param>
    /// <param name="key">What is cached within the instance: the DID and whose view it is.</param>
    /// <param name="refresh">True: never serve a cached status, compute one that started after this call.</param>
    /// <param name="compute">Computes the status; receives the previous snapshot (possibly stale) to reuse what never changes.</param>
    public async Task<DidStatusSnapshot> GetAsync(
        string instance, string key, bool refresh, Func<DidStatusSnapshot?, CancellationToken, Task<DidStatusSnapshot>> compute, CancellationToken cancellationToken)
    {
        var arrived = time.GetUtcNow();
        var entry = _entries.GetOrAdd(instance + "\n" + key, static _ => new Entry());
        while (true)
        {
            Task<DidStatusSnapshot> pending;
            var joinIt = true;
            lock (entry.Sync)
            {
                var now = time.GetUtcNow();
                entry.LastUsed = now;
                if (!refresh && entry.Servable() is { } latest && IsFresh(latest, now))
                {
                    metrics.CacheResult(MetricName, "hit");
                    return latest;
                }

                if (entry.InFlight is { } running)
                {
                    pending = running;
                    joinIt = !refresh || entry.InFlightStarted >= arrived - options.RefreshJoinWindow;
                    if (joinIt)
                    {
                        metrics.CacheResult(MetricName, "coalesced");
                    }
                }
                else
                {
                    metrics.CacheResult(MetricName, "miss");
                    var ticket = new object();
                    var checkStore = !refresh && entry.Latest is null && entry.Header is null;
                    if (entry.Latest is { } current)
                    {
                        // The computation reuses only the header (the type). A stale snapshot is never served again,
                        // so it goes now; a fresh one (this is a refresh) keeps answering polls, but held weakly: the
                        // GC may take it rather than hold two 100k-file snapshots while the new one is built.
                        entry.Header = current.WithoutFiles();
                        entry.Superseded = IsFresh(current, now) ? new WeakReference<DidStatusSnapshot>(current) : null;
                        entry.Latest = null;
                    }

                    var generation = entry.Generation;
                    entry.Ticket = ticket;
                    entry.InFlightStarted = now;
                    // Task.Run: the computation must never complete inline while this lock is held.
                    pending = Task.Run(() => RunAsync(entry, ticket, generation, instance, key, checkStore, compute));
                    entry.InFlight = pending;
                }
            }

            if (joinIt)
            {
                return await pending.WaitAsync(cancellationToken);
            }

            // A refresh that found an older computation running: let it finish (ignoring its outcome), then start anew.
            try
            {
                await pending.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Its failure belongs to its own callers.
            }
        }
    }

    /// <summary>Forgets every status of an instance (memory and database), e.g. after a rule was created.</summary>
    public async Task InvalidateAsync(string? instance, CancellationToken cancellationToken)
    {
        foreach (var (fullKey, entry) in _entries)
        {
            if (instance is null || fullKey.StartsWith(instance + "\n", StringComparison.Ordinal))
            {
                lock (entry.Sync)
                {
                    // Computations started before this point must not bring their older view back.
                    entry.Generation++;
                    entry.Latest = null;
                    entry.Header = null;
                    entry.Superseded = null;
                    entry.InFlight = null;
                    entry.Ticket = null;
                }
            }
        }

        if (instance is not null)
        {
            await store.PurgeKindAsync(instance, Kind, cancellationToken);
        }
    }

    private bool IsFresh(DidStatusSnapshot snapshot, DateTimeOffset now) =>
        now - snapshot.RefreshedAt < Freshness(snapshot);

    private TimeSpan Freshness(DidStatusSnapshot snapshot) => snapshot.IsBusy ? options.BusyFreshness : options.SettledFreshness;

    private async Task<DidStatusSnapshot> RunAsync(
        Entry entry, object ticket, int generation, string instance, string key, bool checkStore,
        Func<DidStatusSnapshot?, CancellationToken, Task<DidStatusSnapshot>> compute)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        timeout.CancelAfter(options.ComputeTimeout);
        DidStatusSnapshot? snapshot = null;
        try
        {
            DidStatusSnapshot? stored = null;
            if (checkStore && await store.GetAsync(instance, Kind, key, timeout.Token) is { } bytes)
            {
                stored = SnapshotSerializer.Deserialize(bytes);
                if (stored is not null && IsFresh(stored, time.GetUtcNow()))
                {
                    metrics.CacheResult(MetricName, "hit_database");
                    snapshot = stored;
                    return stored;
                }
            }

            DidStatusSnapshot? previous;
            lock (entry.Sync)
            {
                previous = (entry.Latest ?? entry.Header ?? stored)?.WithoutFiles();
            }

            snapshot = await compute(previous, timeout.Token);
            // Off the callers' path: serializing and writing 100k files takes a while and only matters after a restart.
            _ = Task.Run(() => PersistAsync(instance, key, snapshot));
            return snapshot;
        }
        finally
        {
            lock (entry.Sync)
            {
                if (ReferenceEquals(entry.Ticket, ticket))
                {
                    entry.InFlight = null;
                    entry.Ticket = null;
                }

                if (snapshot is not null && entry.Generation == generation
                    && (entry.Latest is null || entry.Latest.RefreshedAt <= snapshot.RefreshedAt))
                {
                    entry.Latest = snapshot;
                    entry.Header = null;
                }
                else if (snapshot is null && entry.Generation == generation && entry.Latest is null)
                {
                    // The refresh failed: the snapshot it superseded serves again while fresh, if the GC left it.
                    entry.Latest = entry.Servable();
                }

                entry.Superseded = null;
            }

            EnforceMemoryBudget();
        }
    }

    private async Task PersistAsync(string instance, string key, DidStatusSnapshot snapshot)
    {
        try
        {
            await store.SetAsync(instance, Kind, key, SnapshotSerializer.Serialize(snapshot), Freshness(snapshot), lifetime.ApplicationStopping);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or OperationCanceledException or IOException)
        {
            // The memory copy still serves; the database copy only helps after a restart.
            logger.LogWarning("Could not store the status of {Did} in the cache table: {Error}", snapshot.Did, ex.Message);
        }
    }

    private void EnforceMemoryBudget()
    {
        var held = _entries.Sum(e => e.Value.Latest?.Files.Count ?? 0);
        if (held <= options.MaxFilesInMemory)
        {
            return;
        }

        foreach (var (fullKey, entry) in _entries.OrderBy(e => e.Value.LastUsed))
        {
            if (held <= options.MaxFilesInMemory)
            {
                break;
            }

            lock (entry.Sync)
            {
                if (entry.InFlight is null && entry.Latest is { } latest)
                {
                    held -= latest.Files.Count;
                    entry.Latest = null;
                    _entries.TryRemove(new KeyValuePair<string, Entry>(fullKey, entry));
                }
            }
        }
    }

    private sealed class Entry
    {
        public Lock Sync { get; } = new();

        public DidStatusSnapshot? Latest { get; set; }

        /// <summary>DID, type and rules of the snapshot being replaced, for the computation that replaces it.</summary>
        public DidStatusSnapshot? Header { get; set; }

        /// <summary>A still fresh snapshot being replaced by a refresh: served while the GC keeps it.</summary>
        public WeakReference<DidStatusSnapshot>? Superseded { get; set; }

        /// <summary>The snapshot that may answer a request (if fresh): the latest, else the superseded one if still alive.</summary>
        public DidStatusSnapshot? Servable() =>
            Latest ?? (Superseded is { } weak && weak.TryGetTarget(out var superseded) ? superseded : null);

        public Task<DidStatusSnapshot>? InFlight { get; set; }

        public object? Ticket { get; set; }

        public DateTimeOffset InFlightStarted { get; set; }

        public DateTimeOffset LastUsed { get; set; }

        public int Generation { get; set; }
    }
}
