using Rucio.Client;
using Rucio.DataLake.Core.Transfers;
using Rucio.JupyterLab.Server.Features.Replica;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Download;

/// <summary>
/// Download-mode status: the DID's files (one streamed <c>GET /dids/{s}/{n}/files</c>), each OK when it is present
/// in the download directory (files only appear there after verification and an atomic rename), otherwise
/// REPLICATING while a job for the DID is queued or running, FAILED when its latest job failed, else NOT_AVAILABLE.
/// </summary>
internal sealed class DownloadStatusComputer(DownloadService downloads, TimeProvider time)
{
    public async Task<DidStatusSnapshot> ComputeAsync(RucioSession session, Did did, DidStatusSnapshot? previous, CancellationToken cancellationToken)
    {
        var root = downloads.InstanceRoot(session.Instance.Name);
        var metrics = session.Metrics;
        var type = previous is not null && previous.Did == did ? previous.Type : null;
        var listed = new List<DidFile>();
        try
        {
            using var lease = session.AcquireClient();
            type ??= await metrics.MeasureAsync("GET /dids/{scope}/{name}", async () =>
                ReplicaStatusComputer.TypeName((await lease.Client.Dids.GetAsync(did, cancellationToken: cancellationToken)).Type));
            await foreach (var file in metrics.MeasureStream("GET /dids/{scope}/{name}/files", lease.Client.Dids.ListFilesAsync(did, cancellationToken: cancellationToken), cancellationToken))
            {
                listed.Add(file);
            }
        }
        catch (RucioException ex)
        {
            throw session.ToProblem(ex, $"list the files of {did}");
        }

        var latest = (await downloads.ListAsync(session.Instance.Name, cancellationToken)).Where(j => j.Did == did).MaxBy(j => j.CreatedAt);
        var active = latest?.State is DownloadJobState.Queued or DownloadJobState.Running;
        var failed = latest?.State is DownloadJobState.Failed;
        var files = new List<StatusFile>(listed.Count);
        foreach (var file in listed)
        {
            string path;
            try
            {
                path = StoragePaths.DownloadPath(root, file.Did);
            }
            catch (TransferException ex)
            {
                files.Add(new StatusFile(file.Scope, file.Name, file.Bytes, FileStatus.NotAvailable, null, null, ex.Message));
                continue;
            }

            files.Add(File.Exists(path) ? new StatusFile(file.Scope, file.Name, file.Bytes, FileStatus.Ok, path, null, null)
                : active ? new StatusFile(file.Scope, file.Name, file.Bytes, FileStatus.Replicating, null, null, null)
                : failed ? new StatusFile(file.Scope, file.Name, file.Bytes, FileStatus.Failed, null, null, latest!.Error)
                : new StatusFile(file.Scope, file.Name, file.Bytes, FileStatus.NotAvailable, null, null, null));
        }

        var reason = failed && files.Any(f => f.Status == FileStatus.Failed) ? latest!.Error : null;
        return new DidStatusSnapshot(did, type, "download", files, [], reason, time.GetUtcNow());
    }
}
