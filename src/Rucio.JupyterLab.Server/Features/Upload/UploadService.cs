using System.Collections.Concurrent;
using System.Threading.Channels;
using Rucio.Client;
using Rucio.DataLake.Core.Transfers;
using Rucio.JupyterLab.Server.Features.Download;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Upload;

/// <summary>How many upload jobs run at once, and files per job.</summary>
internal sealed record UploadSettings
{
    public int JobParallelism { get; init; } = 2;

    public int FileParallelism { get; init; } = 4;
}

/// <summary>
/// The upload queue: one job per selected file or folder, persisted in the state database (<see cref="UploadJobStore"/>)
/// and run by a <see cref="JobQueueWorker"/>, <see cref="UploadSettings.JobParallelism"/> at a time, through
/// <see cref="UploadRunner"/>. Progress is live in memory while a job runs and saved when it ends. At start, a job
/// left RUNNING by a previous process is FAILED (its worker is gone) and QUEUED ones are queued again.
/// </summary>
internal sealed class UploadService : ITransferSource
{
    private readonly UploadJobStore _store;
    private readonly UploadLog _log;
    private readonly UploadRunner _runner;
    private readonly UploadSettings _settings;
    private readonly DidStatusCache _statuses;
    private readonly TimeProvider _time;
    private readonly ILogger<UploadService> _logger;
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, RunningUpload> _running = new(StringComparer.Ordinal);
    private readonly Task _ready;

    public UploadService(
        UploadJobStore store, UploadLog log, UploadRunner runner, UploadSettings settings, DidStatusCache statuses, TimeProvider time, ILogger<UploadService> logger)
    {
        _statuses = statuses;
        _store = store;
        _log = log;
        _runner = runner;
        _settings = settings;
        _time = time;
        _logger = logger;
        _ready = RecoverAsync();
    }

    /// <summary>Creates one queued job per source; returns them in the request's order.</summary>
    public async Task<IReadOnlyList<UploadJob>> EnqueueAsync(string instance, UploadRequest request, CancellationToken cancellationToken)
    {
        await _ready;
        var jobs = new List<UploadJob>();
        foreach (var source in request.Sources)
        {
            var now = _time.GetUtcNow();
            var job = new UploadJob
            {
                Id = Guid.NewGuid().ToString("N"),
                Instance = instance,
                Did = new Did(request.Scope, DidName(source)),
                Dataset = request.Dataset,
                Path = source.GivenPath,
                LocalPath = source.LocalPath,
                Rse = request.Rse,
                LifetimeSeconds = request.LifetimeSeconds,
                State = UploadJobState.Queued,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await _store.InsertAsync(job, cancellationToken);
            await _log.AppendAsync(job.Id, $"Queued: {(source.IsDirectory ? "folder" : "file")} {job.Path} → {job.Did} on {job.Rse}"
                + (job.Dataset is { } dataset ? $", in dataset {dataset}" : "")
                + (job.LifetimeSeconds is { } seconds ? $", rule lifetime {seconds} s" : ", rule without expiry"), cancellationToken);
            jobs.Add(job);
        }

        // Queued only once every row exists, so a worker never picks a job whose siblings failed to be stored.
        foreach (var job in jobs)
        {
            _pending.Writer.TryWrite(job.Id);
        }

        return jobs;
    }

    /// <summary>The instance's jobs (all when null), oldest first, with live progress.</summary>
    public async Task<IReadOnlyList<UploadJob>> ListAsync(string? instance, CancellationToken cancellationToken)
    {
        await _ready;
        return [.. (await _store.ListAsync(instance, cancellationToken)).Select(WithLiveProgress)];
    }

    public async Task<UploadJob?> GetAsync(string instance, string id, CancellationToken cancellationToken)
    {
        await _ready;
        return UploadLog.IsValidId(id) && await _store.GetAsync(id, cancellationToken) is { } job && job.Instance == instance ? WithLiveProgress(job) : null;
    }

    public async Task<string?> ReadLogAsync(string instance, string id, CancellationToken cancellationToken) =>
        await GetAsync(instance, id, cancellationToken) is not null ? await _log.ReadAsync(id, cancellationToken) : null;

    /// <summary>Forgets a finished job and its log: true when done, false while it is queued or running, null when unknown.</summary>
    public async Task<bool?> DeleteAsync(string instance, string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(instance, id, cancellationToken) is null)
        {
            return null;
        }

        if (!await _store.DeleteFinishedAsync(id, cancellationToken))
        {
            return false;
        }

        _log.Delete(id);
        return true;
    }

    public async Task<IReadOnlyList<TransferRow>> ListTransfersAsync(string instance, CancellationToken cancellationToken) =>
        [.. (await ListAsync(instance, cancellationToken)).Select(job => new TransferRow(
            job.Id, "upload", job.Did.ToString(), job.TransferStatus, job.BytesDone, job.BytesTotal, job.FilesDone, job.FilesTotal,
            job.Error, job.CreatedAt, job.IsFinished ? job.UpdatedAt : null))];

    /// <summary>A queued job is dropped, a running one stopped; false when unknown or finished.</summary>
    public async Task<bool> CancelTransferAsync(string instance, string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(instance, id, cancellationToken) is null)
        {
            return false;
        }

        if (await _store.TransitionAsync(id, UploadJobState.Cancelled, UploadMessages.Cancelled, cancellationToken, UploadJobState.Queued))
        {
            await _log.AppendAsync(id, "Cancelled before it started.", cancellationToken);
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

    /// <summary>The worker loop, hosted by a <see cref="JobQueueWorker"/>.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await _ready;
        var workers = Enumerable.Range(0, Math.Max(1, _settings.JobParallelism)).Select(async _ =>
        {
            await foreach (var id in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                await RunJobAsync(id, stoppingToken);
            }
        });
        await Task.WhenAll(workers);
    }

    /// <summary>The selected name (a link keeps the name the user sees), unless that is no name at all (<c>~</c>, <c>.</c>).</summary>
    private static string DidName(UploadSource source) =>
        Path.GetFileName(source.GivenPath.Trim().TrimEnd('/')) is { Length: > 0 } name && name is not ("." or ".." or "~")
            ? name
            : Path.GetFileName(source.LocalPath);

    private async Task RecoverAsync()
    {
        await _store.InitializeAsync(CancellationToken.None);
        foreach (var job in (await _store.ListAsync(null, CancellationToken.None)).Where(j => j.State == UploadJobState.Running))
        {
            await _log.AppendAsync(job.Id, UploadMessages.Interrupted, CancellationToken.None);
        }

        await _store.FailInterruptedAsync(CancellationToken.None);
        foreach (var job in await _store.ListInStateAsync(UploadJobState.Queued, CancellationToken.None))
        {
            _pending.Writer.TryWrite(job.Id);
        }
    }

    private async Task RunJobAsync(string id, CancellationToken stoppingToken)
    {
        // Registered before the job turns RUNNING, so a cancel arriving in between always finds it.
        using var running = new RunningUpload(CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
        _running[id] = running;
        if (!await _store.TransitionAsync(id, UploadJobState.Running, null, stoppingToken, UploadJobState.Queued)
            || await _store.GetAsync(id, stoppingToken) is not { } job)
        {
            _running.TryRemove(id, out _);
            return;
        }

        var (state, error, line) = (UploadJobState.Failed, (string?)null, "");
        try
        {
            error = await _runner.RunAsync(job, running, running.Cancellation.Token);
            (state, line) = error is null ? (UploadJobState.Completed, "Upload finished.") : (UploadJobState.Failed, $"Upload failed: {error}");
        }
        catch (OperationCanceledException) when (running.CancelledByUser)
        {
            (state, error, line) = (UploadJobState.Cancelled, UploadMessages.Cancelled, "Cancelled by the user.");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            (state, error, line) = (UploadJobState.Failed, UploadMessages.Interrupted, UploadMessages.Interrupted);
        }
        catch (Exception ex)
        {
            // Whatever goes wrong ends this job, never the worker loop serving the others.
            _logger.LogError(ex, "Upload job {Id} failed unexpectedly", id);
            (state, error, line) = (UploadJobState.Failed, "Internal error of the Rucio JupyterLab backend; details are in the server log.", "Upload failed: internal error (see the server log).");
        }
        finally
        {
            _running.TryRemove(id, out _);
        }

        await _store.SaveProgressAsync(id, running.Latest, CancellationToken.None);
        await _store.TransitionAsync(id, state, error, CancellationToken.None, UploadJobState.Running);
        await _log.AppendAsync(id, line, CancellationToken.None);
        // New replicas, datasets and rules change what the panel shows for the instance's DIDs.
        await _statuses.InvalidateAsync(job.Instance, CancellationToken.None);
    }

    private UploadJob WithLiveProgress(UploadJob job) =>
        _running.TryGetValue(job.Id, out var running) && running.Latest is { FilesTotal: > 0 } p
            ? job with { FilesTotal = p.FilesTotal, FilesDone = p.FilesDone, BytesTotal = p.BytesTotal, BytesDone = p.BytesDone }
            : job;
}

/// <summary>A running job: its cancellation and the latest progress (reported from the engine's worker threads).</summary>
internal sealed class RunningUpload(CancellationTokenSource cancellation) : IProgress<TransferProgress>, IDisposable
{
    private readonly Lock _gate = new();
    private TransferProgress _latest;
    private volatile bool _cancelledByUser;

    public CancellationTokenSource Cancellation { get; } = cancellation;

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
    }

    public void Report(TransferProgress value)
    {
        lock (_gate)
        {
            _latest = value;
        }
    }

    public void Dispose() => Cancellation.Dispose();
}
