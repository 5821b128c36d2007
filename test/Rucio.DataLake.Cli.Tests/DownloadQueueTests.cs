using Rucio.Client;
using Rucio.DataLake.Cli.Tests.Support;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.DataLake.Cli.Tests;

/// <summary>The persistent download queue: jobs survive a restart, a dead worker's job becomes FAILED and resumable.</summary>
public sealed class DownloadQueueTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("datalake-queue-").FullName;

    private string DatabasePath => Path.Combine(_work, "queue.db");

    [Fact]
    public async Task Queued_job_downloads_with_the_engine_and_completes()
    {
        using var client = fixture.Sandbox.CreateClient();
        using var protocols = new StorageProtocols(new StorageAccessOptions(), TimeProvider.System);
        var queue = await DownloadQueue.OpenAsync(new DownloadQueueOptions { DatabasePath = DatabasePath }, (job, progress, ct) =>
            new DownloadEngine(client, protocols).DownloadAsync(job.Did, new DownloadOptions { DestinationRoot = job.DestinationRoot }, progress, ct),
            TimeProvider.System, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var worker = queue.RunAsync(stop.Token);

        var job = await queue.EnqueueAsync("sandbox", new Did("opendata", "calibration_2012"), Path.Combine(_work, "sandbox"), CancellationToken.None);
        var done = await Eventually.WaitAsync(() => queue.GetAsync(job.Id, CancellationToken.None), j => j!.State is DownloadJobState.Completed or DownloadJobState.Failed, TimeSpan.FromSeconds(30), "job end");

        Assert.Equal(DownloadJobState.Completed, done!.State);
        Assert.Equal(3, done.FilesDone);
        Assert.Equal(done.BytesTotal, done.BytesDone);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_work, "sandbox", "opendata")).Length);
        await stop.CancelAsync();
        await worker;
    }

    [Fact]
    public async Task A_job_whose_process_died_is_failed_and_resumable_after_restart()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverEnds = new TaskCompletionSource<IReadOnlyList<DownloadedFile>>();
        // One worker: "waiting" must stay queued behind "running" (with two, either could start first).
        var first = await DownloadQueue.OpenAsync(new DownloadQueueOptions { DatabasePath = DatabasePath, Parallelism = 1 }, (_, _, _) =>
        {
            started.TrySetResult();
            return neverEnds.Task;
        }, TimeProvider.System, CancellationToken.None);
        using var stopFirst = new CancellationTokenSource();
        var firstWorker = first.RunAsync(stopFirst.Token);
        var running = await first.EnqueueAsync("sandbox", new Did("user.root", "x"), _work, CancellationToken.None);
        var waiting = await first.EnqueueAsync("sandbox", new Did("user.root", "y"), _work, CancellationToken.None);
        await started.Task;

        // A second process opening the same database plays the restarted backend: the first one's worker is gone.
        var ran = new List<Did>();
        var second = await DownloadQueue.OpenAsync(new DownloadQueueOptions { DatabasePath = DatabasePath, Parallelism = 1 }, (job, _, _) =>
        {
            lock (ran)
            {
                ran.Add(job.Did);
            }

            return Task.FromResult<IReadOnlyList<DownloadedFile>>([]);
        }, TimeProvider.System, CancellationToken.None);

        var interrupted = await second.GetAsync(running.Id, CancellationToken.None);
        Assert.Equal(DownloadJobState.Failed, interrupted!.State);
        Assert.Contains("Resume", interrupted.Error);

        using var stop = new CancellationTokenSource();
        var worker = second.RunAsync(stop.Token);
        await Eventually.WaitAsync(() => second.GetAsync(waiting.Id, CancellationToken.None), j => j!.State == DownloadJobState.Completed, TimeSpan.FromSeconds(10), "queued job run after restart");
        Assert.True(await second.ResumeAsync(running.Id, CancellationToken.None));
        await Eventually.WaitAsync(() => second.GetAsync(running.Id, CancellationToken.None), j => j!.State == DownloadJobState.Completed, TimeSpan.FromSeconds(10), "resumed job");
        Assert.Equal([new Did("user.root", "y"), new Did("user.root", "x")], ran);
        await stop.CancelAsync();
        await worker;
        neverEnds.TrySetResult([]);
        await stopFirst.CancelAsync();
        await firstWorker;
    }

    [Fact]
    public async Task Cancel_stops_a_running_job_and_a_queued_one()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = await DownloadQueue.OpenAsync(new DownloadQueueOptions { DatabasePath = DatabasePath, Parallelism = 1 }, async (_, _, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return [];
        }, TimeProvider.System, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var worker = queue.RunAsync(stop.Token);
        var running = await queue.EnqueueAsync("sandbox", new Did("user.root", "a"), _work, CancellationToken.None);
        var queued = await queue.EnqueueAsync("sandbox", new Did("user.root", "b"), _work, CancellationToken.None);
        await started.Task;

        Assert.True(await queue.CancelAsync(queued.Id, CancellationToken.None));
        Assert.True(await queue.CancelAsync(running.Id, CancellationToken.None));

        await Eventually.WaitAsync(() => queue.GetAsync(running.Id, CancellationToken.None), j => j!.State == DownloadJobState.Cancelled, TimeSpan.FromSeconds(10), "running job cancelled");
        Assert.Equal(DownloadJobState.Cancelled, (await queue.GetAsync(queued.Id, CancellationToken.None))!.State);
        Assert.False(await queue.CancelAsync(running.Id, CancellationToken.None));
        await stop.CancelAsync();
        await worker;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
