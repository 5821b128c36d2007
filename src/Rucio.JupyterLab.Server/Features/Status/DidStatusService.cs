using Rucio.Client;
using Rucio.DataLake.Core.Configuration;
using Rucio.JupyterLab.Server.Features.Download;
using Rucio.JupyterLab.Server.Features.Replica;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Status;

/// <summary>
/// The one place a DID's status comes from, whatever the mode and route (<c>did</c>, <c>did/status</c>,
/// <c>notebook/resolve</c>, make-available): cached per instance, DID and identity, computed by the mode's computer.
/// </summary>
internal sealed class DidStatusService(DidStatusCache cache, ReplicaStatusComputer replica, DownloadStatusComputer download)
{
    public Task<DidStatusSnapshot> GetAsync(RucioSession session, Did did, bool refresh, CancellationToken cancellationToken)
    {
        var key = $"{did}\n{session.Instance.Mode}\n{session.IdentityKey}";
        return session.Instance.Mode == InstanceMode.Download
            ? cache.GetAsync(session.Instance.Name, key, refresh, (previous, token) => download.ComputeAsync(session, did, previous, token), cancellationToken)
            : cache.GetAsync(session.Instance.Name, key, refresh, (previous, token) => replica.ComputeAsync(session, did, previous, token), cancellationToken);
    }

    /// <summary>Every status of the instance is recomputed on next use (a rule or a download changed something).</summary>
    public Task InvalidateAsync(string instance, CancellationToken cancellationToken) => cache.InvalidateAsync(instance, cancellationToken);
}
