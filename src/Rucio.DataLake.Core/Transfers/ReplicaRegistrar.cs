using System.Threading.Channels;
using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>A file whose verified bytes are in place on an RSE, waiting for its replica registration.</summary>
internal sealed record PendingReplica(Did Did, FileChecksum Checksum, string Rse, bool Deterministic, string Pfn, string? LocalPath);

/// <summary>
/// Registers replicas in batches: files are queued as soon as their bytes are verified and in place, and one
/// <c>POST /replicas</c> registers everything queued for an RSE while the workers go on copying (a request in flight
/// lets the next batch fill up). Before a batch is sent, the directories its files were renamed or linked into are
/// flushed, so Rucio never points at a name a crash could take back. A refused batch is retried file by file, so one
/// bad file fails alone.
/// </summary>
internal sealed class ReplicaRegistrar : IAsyncDisposable
{
    // Rucio handles large bulk registrations well; this bounds one request's body and transaction.
    private const int MaxBatch = 500;

    private readonly RucioClient _client;
    private readonly Channel<(PendingReplica Replica, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(PendingReplica, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    public ReplicaRegistrar(RucioClient client, CancellationToken cancellationToken)
    {
        _client = client;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Queues a registration; the task completes once Rucio has it, or fails with Rucio's refusal.</summary>
    public Task RegisterAsync(PendingReplica replica)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((replica, done)))
        {
            done.SetException(new InvalidOperationException("The registrar is closed."));
        }

        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<(PendingReplica Replica, TaskCompletionSource Done)>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                foreach (var rse in batch.GroupBy(b => b.Replica.Rse))
                {
                    await RegisterBatchAsync(rse.Key, [.. rse], cancellationToken);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever was not sent is cancelled below; what was sent may or may not be registered (see the engine).
            Abandon(batch, done => done.TrySetCanceled(cancellationToken));
        }
        catch (Exception ex)
        {
            // Never leave a waiting file hanging: an unexpected failure fails every registration still open.
            Abandon(batch, done => done.TrySetException(ex));
        }
    }

    private void Abandon(List<(PendingReplica Replica, TaskCompletionSource Done)> batch, Action<TaskCompletionSource> end)
    {
        _queue.Writer.TryComplete();
        foreach (var (_, done) in batch)
        {
            end(done);
        }

        while (_queue.Reader.TryRead(out var left))
        {
            end(left.Done);
        }
    }

    private async Task RegisterBatchAsync(string rse, IReadOnlyList<(PendingReplica Replica, TaskCompletionSource Done)> batch, CancellationToken cancellationToken)
    {
        try
        {
            LocalFiles.SyncDirectories(batch.Select(b => b.Replica.LocalPath).OfType<string>().Select(p => Path.GetDirectoryName(p)!));
        }
        catch (IOException ex)
        {
            Fail(batch, new TransferException(TransferFailure.StorageError, $"The storage of {rse} could not make the new files durable: {ex.Message}", ex));
            return;
        }

        try
        {
            await _client.Replicas.AddAsync(rse, batch.Select(b => Registration(b.Replica)), cancellationToken);
            foreach (var (_, done) in batch)
            {
                done.TrySetResult();
            }

            return;
        }
        catch (RucioException) when (batch.Count > 1)
        {
            // One file may be the reason (a conflict, a replica registered meanwhile): find out file by file.
        }
        catch (RucioException ex) when (ex.Status == 409)
        {
            // Handled below like any single file.
        }
        catch (RucioException ex)
        {
            Fail(batch, ex);
            return;
        }

        foreach (var (replica, done) in batch)
        {
            try
            {
                await RegisterOneAsync(replica, cancellationToken);
                done.TrySetResult();
            }
            catch (Exception ex) when (ex is RucioException or TransferException)
            {
                done.TrySetException(ex);
            }
        }
    }

    private async Task RegisterOneAsync(PendingReplica replica, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Replicas.AddAsync(replica.Rse, [Registration(replica)], cancellationToken);
        }
        catch (RucioException ex) when (ex.Status == 409)
        {
            // Registered concurrently (another upload of the same file) is what we wanted; anything else is a conflict.
            if (!await IsAvailableAsync(replica, cancellationToken))
            {
                throw;
            }
        }
    }

    private async Task<bool> IsAvailableAsync(PendingReplica replica, CancellationToken cancellationToken)
    {
        await foreach (var listed in _client.Replicas.ListAsync(new ReplicaListRequest { Dids = [replica.Did], AllStates = true, RseExpression = replica.Rse }, cancellationToken))
        {
            if (listed.Did == replica.Did && listed.States.TryGetValue(replica.Rse, out var state) && state == ReplicaState.Available)
            {
                return true;
            }
        }

        return false;
    }

    private static FileRegistration Registration(PendingReplica replica) => new(replica.Did, replica.Checksum.Bytes, replica.Checksum.Adler32)
    {
        Md5 = replica.Checksum.Md5,
        Pfn = replica.Deterministic ? null : replica.Pfn,
    };

    private static void Fail(IEnumerable<(PendingReplica Replica, TaskCompletionSource Done)> batch, Exception exception)
    {
        foreach (var (_, done) in batch)
        {
            done.TrySetException(exception);
        }
    }
}
