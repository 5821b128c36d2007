using System.Collections.Concurrent;
using System.Threading.Channels;
using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>Performs one job: typically <c>new DownloadEngine(client, protocols).DownloadAsync(job.Did, …)</c> with the job's instance client.</summary>
internal delegate Task<IReadOnlyList<DownloadedFile>> DownloadJobRunner(DownloadJob job, IProgress<TransferProgress> progress, CancellationToken cancellationToken);

internal sealed record DownloadQueueOptions
{
    /// <summary>The SQLite file holding the jobs (created when missing); it may be the backend's state database.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Jobs run at the same time (each job also downloads its files in parallel).</summary>
    public int Parallelism { get; init; } = 2;

    /// <summary>How often running progress is written to the database (it is always current in memory).</summary>
    public TimeSpan ProgressSaveInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// The persistent download queue of the backend. Jobs are rows in SQLite and ids in a <see cref="Channel{T}"/>;
/// <see cref="RunAsync"/> is the worker loop a BackgroundService hosts. On open, jobs left RUNNING by a previous process
/// become FAILED (resumable: the part files let the retry continue), and QUEUED jobs are queued again.
/// </summary>
internal sealed class DownloadQueue
{
    private readonly DownloadJobStore _store;
    private readonly DownloadQueueOptions _options;
    private readonly DownloadJobRunner _runner;
    private readonly TimeProvider _time;
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);

    private DownloadQueue(DownloadQueueOptions options, DownloadJobRunner runner, TimeProvider time)
    {
        _options = options;
        _runner = runner;
        _time = time;
        _store = new DownloadJobStore(options.DatabasePath, time);
    }

    public static async Task<DownloadQueue> OpenAsync(DownloadQueueOptions options, DownloadJobRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        var queue = new DownloadQueue(options, runner, time);
        await queue._store.InitializeAsync(cancellationToken);
        await queue._store.FailInterruptedAsync(cancellationToken);
        foreach (var job in await queue._store.ListInStateAsync(DownloadJobState.Queued, cancellationToken))
        {
            queue._pending.Writer.TryWrite(job.Id);
        }

        return queue;
    }

    public async Task<DownloadJob> EnqueueAsync(string instance, Did did, string destinationRoot, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var job = new DownloadJob
        {
            Id = Guid.NewGuid().ToString("N"),
            Instance = instance,
            Did = did,
            DestinationRoot = Path.GetFullPath(destinationRoot),
            State = DownloadJobState.Queued,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await _store.InsertAsync(job, cancellationToken);
        _pending.Writer.TryWrite(job.Id);
        return job;
    }

    /// <summary>The job with its live progress when it is running; null when unknown.</summary>
    public async Task<DownloadJob?> GetAsync(string id, CancellationToken cancellationToken) =>
        await _store.GetAsync(id, cancellationToken) is { } job ? WithLiveProgress(job) : null;

    public async Task<IReadOnlyList<DownloadJob>> ListAsync(string? instance, CancellationToken cancellationToken) =>
        [.. (await _store.ListAsync(instance, cancellationToken)).Select(WithLiveProgress)];

    /// <summary>Stops a queued or running job; a running job removes its partial files. False when it already ended.</summary>
    public async Task<bool> CancelAsync(string id, CancellationToken cancellationToken)
    {
        if (await _store.TransitionAsync(id, DownloadJobState.Cancelled, "Cancelled by the user.", cancellationToken, DownloadJobState.Queued))
        {
            return true;
        }

        if (_running.TryGetValue(id, out var running))
        {
            running.CancelledByUser = true;
            await running.Cancellation.CancelAsync();
            return true;
        }

        return false;
    }

    /// <summary>Queues a FAILED or CANCELLED job again; verified files are skipped and part files resumed.</summary>
    public async Task<bool> ResumeAsync(string id, CancellationToken cancellationToken)
    {
        if (!await _store.TransitionAsync(id, DownloadJobState.Queued, null, cancellationToken, DownloadJobState.Failed, DownloadJobState.Cancelled))
        {
            return false;
        }

        _pending.Writer.TryWrite(id);
        return true;
    }

    /// <summary>Forgets a job that is not running (its downloaded files stay).</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => _store.DeleteAsync(id, cancellationToken);

    /// <summary>The worker loop: <see cref="DownloadQueueOptions.Parallelism"/> workers until <paramref name="stoppingToken"/> fires.</summary>
    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Parallelism)).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var id in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                await RunJobAsync(id, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: running jobs were marked below; queued ones stay QUEUED for the next start.
        }
    }

    private async Task RunJobAsync(string id, CancellationToken stoppingToken)
    {
        if (!await _store.TransitionAsync(id, DownloadJobState.Running, null, stoppingToken, DownloadJobState.Queued)
            || await _store.GetAsync(id, stoppingToken) is not { } job)
        {
            return;
        }

        using var running = new RunningJob(CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
        _running[id] = running;
        var progress = new ThrottledProgress(running, _store, id, _options.ProgressSaveInterval, _time);
        try
        {
            var files = await _runner(job, progress, running.Cancellation.Token);
            await _store.SaveProgressAsync(id, running.Latest, CancellationToken.None);
            var failed = files.Where(f => f.Outcome == DownloadOutcome.Failed).ToList();
            var error = failed.Count == 0 ? null : $"{failed.Count} of {files.Count} file(s) failed. First: {failed[0].Error}";
            await _store.TransitionAsync(id, failed.Count == 0 ? DownloadJobState.Completed : DownloadJobState.Failed, error, CancellationToken.None, DownloadJobState.Running);
        }
        catch (OperationCanceledException) when (running.CancelledByUser)
        {
            await _store.SaveProgressAsync(id, running.Latest, CancellationToken.None);
            await _store.TransitionAsync(id, DownloadJobState.Cancelled, "Cancelled by the user.", CancellationToken.None, DownloadJobState.Running);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await _store.SaveProgressAsync(id, running.Latest, CancellationToken.None);
            await _store.TransitionAsync(id, DownloadJobState.Failed,
                "The transfer was interrupted by a backend shutdown. Resume it to continue where it stopped.", CancellationToken.None, DownloadJobState.Running);
        }
        catch (Exception ex)
        {
            // Whatever the runner throws ends this job, never the worker loop that serves the others.
            await _store.TransitionAsync(id, DownloadJobState.Failed, ex.Message, CancellationToken.None, DownloadJobState.Running);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    private DownloadJob WithLiveProgress(DownloadJob job) =>
        _running.TryGetValue(job.Id, out var running) && running.Latest is var p && p.FilesTotal > 0
            ? job with { FilesTotal = p.FilesTotal, FilesDone = p.FilesDone, FilesFailed = p.FilesFailed, BytesTotal = p.BytesTotal, BytesDone = p.BytesDone }
            : job;

    private sealed class RunningJob(CancellationTokenSource cancellation) : IDisposable
    {
        private TransferProgress _latest;
        private readonly Lock _gate = new();

        public CancellationTokenSource Cancellation { get; } = cancellation;

        private volatile bool _cancelledByUser;

        public bool CancelledByUser
        {
            get => _cancelledByUser;
            set => _cancelledByUser = value;
        }

        public TransferProgress Latest
        {
            get
            {
                lock (_gate)
                {
                    return _latest;
                }
            }

            set
            {
                lock (_gate)
                {
                    _latest = value;
                }
            }
        }

        public void Dispose() => Cancellation.Dispose();
    }

    /// <summary>Keeps the latest progress in memory and writes it to SQLite at most once per interval, off the transfer path.</summary>
    private sealed class ThrottledProgress(RunningJob job, DownloadJobStore store, string id, TimeSpan interval, TimeProvider time) : IProgress<TransferProgress>
    {
        private long _lastSave = time.GetTimestamp();
        private int _saving;

        public void Report(TransferProgress value)
        {
            job.Latest = value;
            if (time.GetElapsedTime(Interlocked.Read(ref _lastSave)) < interval || Interlocked.Exchange(ref _saving, 1) == 1)
            {
                return;
            }

            Interlocked.Exchange(ref _lastSave, time.GetTimestamp());
            _ = SaveAsync();
        }

        private async Task SaveAsync()
        {
            try
            {
                await store.SaveProgressAsync(id, job.Latest, CancellationToken.None);
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                // Progress is advisory; the final state is written when the job ends.
            }
            finally
            {
                Volatile.Write(ref _saving, 0);
            }
        }
    }
}
