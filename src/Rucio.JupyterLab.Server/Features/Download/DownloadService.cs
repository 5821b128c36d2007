using Rucio.Client;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.State;
using Rucio.DataLake.Core.Transfers;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Download;

/// <summary>Where download mode puts files and how many jobs run at once.</summary>
internal sealed record DownloadSettings
{
    /// <summary>Files land in <c>Root/&lt;instance&gt;/&lt;scope&gt;/&lt;name&gt;</c> (default <c>~/rucio</c>).</summary>
    public required string Root { get; init; }

    /// <summary>Jobs (DIDs) downloading at the same time.</summary>
    public int JobParallelism { get; init; } = 2;

    /// <summary>Files of one job downloading at the same time.</summary>
    public int FileParallelism { get; init; } = 4;
}

/// <summary>
/// Download mode's queue: the persistent <see cref="DownloadQueue"/> of Rucio.DataLake.Core (jobs in the state
/// database, so they survive a restart; a job whose worker died shows FAILED and can be resumed) run by
/// a <see cref="JobQueueWorker"/>. Each job downloads with the instance's current credentials through the
/// <see cref="DownloadEngine"/>. Enqueueing is serialized per DID, so a second click while a job is active returns it.
/// </summary>
internal sealed class DownloadService
{
    private readonly DownloadSettings _settings;
    private readonly IServiceProvider _services;
    private readonly DidStatusCache _statuses;
    private readonly KeyedLock _locks;
    private readonly TimeProvider _time;
    private readonly VomsProxyProvider _voms;
    private readonly ILogger<DownloadService> _logger;
    private readonly Task<DownloadQueue> _queue;

    public DownloadService(
        DownloadSettings settings, StateDatabase state, IServiceProvider services, DidStatusCache statuses, KeyedLock locks, TimeProvider time, VomsProxyProvider voms,
        ILogger<DownloadService> logger)
    {
        _settings = settings;
        _services = services;
        _statuses = statuses;
        _locks = locks;
        _time = time;
        _voms = voms;
        _logger = logger;
        _queue = DownloadQueue.OpenAsync(
            new DownloadQueueOptions { DatabasePath = state.FilePath, Parallelism = settings.JobParallelism },
            RunJobAsync,
            time,
            CancellationToken.None);
    }

    /// <summary>The directory holding an instance's downloads (<c>Root/&lt;instance&gt;</c>).</summary>
    public string InstanceRoot(string instance) => Path.Combine(_settings.Root, instance);

    /// <summary>The worker loop, hosted by a <see cref="JobQueueWorker"/>.</summary>
    public async Task RunAsync(CancellationToken stoppingToken) => await (await _queue).RunAsync(stoppingToken);

    public async Task<IReadOnlyList<DownloadJob>> ListAsync(string instance, CancellationToken cancellationToken) =>
        await (await _queue).ListAsync(instance, cancellationToken);

    /// <summary>Job counts per state over all instances, for the metrics.</summary>
    public async Task<IReadOnlyList<(string State, int Count)>> CountByStateAsync(CancellationToken cancellationToken)
    {
        var jobs = await (await _queue).ListAsync(null, cancellationToken);
        return [.. Enum.GetValues<DownloadJobState>().Select(s => (TransferNames.Status(s), jobs.Count(j => j.State == s)))];
    }

    /// <summary>The active job of the DID, or a new one.</summary>
    public async Task<(DownloadJob Job, bool Created)> EnqueueAsync(string instance, Did did, CancellationToken cancellationToken)
    {
        using var serialized = await _locks.AcquireAsync($"{instance}\n{did}", cancellationToken);
        var queue = await _queue;
        var active = (await queue.ListAsync(instance, cancellationToken))
            .FirstOrDefault(j => j.Did == did && j.State is DownloadJobState.Queued or DownloadJobState.Running);
        if (active is not null)
        {
            return (active, false);
        }

        var job = await queue.EnqueueAsync(instance, did, InstanceRoot(instance), cancellationToken);
        await _statuses.InvalidateAsync(instance, cancellationToken);
        return (job, true);
    }

    /// <summary>Resumes the DID's latest failed or cancelled job (verified files are kept), or starts a new one.</summary>
    public async Task<DownloadJob> RetryAsync(string instance, Did did, CancellationToken cancellationToken)
    {
        var queue = await _queue;
        var latest = (await queue.ListAsync(instance, cancellationToken)).Where(j => j.Did == did).MaxBy(j => j.CreatedAt);
        if (latest is { State: DownloadJobState.Failed or DownloadJobState.Cancelled } && await queue.ResumeAsync(latest.Id, cancellationToken))
        {
            await _statuses.InvalidateAsync(instance, cancellationToken);
            return latest with { State = DownloadJobState.Queued, Error = null };
        }

        return (await EnqueueAsync(instance, did, cancellationToken)).Job;
    }

    /// <summary>Cancels a job of the instance; false when it is unknown or already finished.</summary>
    public async Task<bool> CancelAsync(string instance, string id, CancellationToken cancellationToken)
    {
        var queue = await _queue;
        if (await queue.GetAsync(id, cancellationToken) is not { } job || job.Instance != instance || !await queue.CancelAsync(id, cancellationToken))
        {
            return false;
        }

        await _statuses.InvalidateAsync(instance, cancellationToken);
        return true;
    }

    private async Task<IReadOnlyList<DownloadedFile>> RunJobAsync(DownloadJob job, IProgress<TransferProgress> progress, CancellationToken cancellationToken)
    {
        var session = await RucioSession.OpenAsync(_services, job.Instance, cancellationToken)
            ?? throw new InvalidOperationException(
                $"The instance '{job.Instance}' or its credentials are not usable any more; save your credentials in Settings, then resume the download.");
        var instance = session.Instance;
        using var lease = session.AcquireClient();
        using var protocols = new StorageProtocols(
            await StorageAccess.CreateAsync(instance, session.AuthType, session.Credentials, lease.Client, _voms, cancellationToken), _time);
        var engine = new DownloadEngine(lease.Client, protocols);
        try
        {
            var files = await engine.DownloadAsync(job.Did, new DownloadOptions
            {
                DestinationRoot = job.DestinationRoot,
                Parallelism = _settings.FileParallelism,
                SiteName = instance.SiteName,
                XCacheUrl = instance.XCacheUrl,
            }, progress, cancellationToken);
            _logger.LogInformation("Download of {Did} ({Instance}) finished: {Done} of {Total} file(s) present",
                job.Did, job.Instance, files.Count(f => f.Outcome != DownloadOutcome.Failed), files.Count);
            return files;
        }
        catch (RucioException ex)
        {
            // The queue records the message as the job's error; give it the panel's sentence, not the raw exception.
            throw new InvalidOperationException(session.ToProblem(ex, $"download {job.Did}").Body.Error, ex);
        }
        finally
        {
            await _statuses.InvalidateAsync(job.Instance, CancellationToken.None);
        }
    }
}

/// <summary>Wire names of transfer states.</summary>
internal static class TransferNames
{
    public static string Status(DownloadJobState state) => state switch
    {
        DownloadJobState.Queued => "QUEUED",
        DownloadJobState.Running => "RUNNING",
        DownloadJobState.Completed => "DONE",
        DownloadJobState.Failed => "FAILED",
        _ => "CANCELLED",
    };
}
