using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

internal enum VerificationState
{
    /// <summary>Rucio holds an AVAILABLE replica with the same size and checksum as the local bytes: safe to delete.</summary>
    Verified,

    /// <summary>No AVAILABLE replica on the rule's RSEs yet (the rule is still replicating).</summary>
    NotYet,

    /// <summary>Rucio's copy differs from the local file (or the local file changed since the upload).</summary>
    Mismatch,

    /// <summary>The local file is itself the registered replica: deleting it would delete the data.</summary>
    IsTheReplica,

    /// <summary>The local file is gone.</summary>
    LocalMissing,
}

internal sealed record VerificationResult(string LocalPath, Did Did, VerificationState State, string Reason)
{
    public bool SafeToDelete => State == VerificationState.Verified;
}

/// <summary>
/// Decides whether a local copy may be deleted: asks Rucio for AVAILABLE replicas on the rule's RSEs, re-reads the local
/// bytes, and compares size and checksum; when a replica is a file mounted here, its bytes are re-read too.
/// </summary>
internal sealed class ReplicaVerifier(RucioClient client)
{
    private const int DidsPerRequest = 200;

    public async Task<IReadOnlyList<VerificationResult>> VerifyAsync(IReadOnlyList<(string LocalPath, Did Did)> files, string rseExpression, CancellationToken cancellationToken)
    {
        var results = new List<VerificationResult>(files.Count);
        foreach (var chunk in files.Chunk(DidsPerRequest))
        {
            var replicas = new Dictionary<Did, Replica>();
            await foreach (var replica in client.Replicas.ListAsync(new ReplicaListRequest
            {
                Dids = [.. chunk.Select(f => f.Did).Distinct()],
                RseExpression = rseExpression,
                AllStates = true,
            }, cancellationToken))
            {
                replicas[replica.Did] = replica;
            }

            foreach (var (path, did) in chunk)
            {
                results.Add(await VerifyOneAsync(path, did, replicas.GetValueOrDefault(did), rseExpression, cancellationToken));
            }
        }

        return results;
    }

    private static async Task<VerificationResult> VerifyOneAsync(string localPath, Did did, Replica? replica, string rseExpression, CancellationToken cancellationToken)
    {
        if (!File.Exists(localPath))
        {
            return new(localPath, did, VerificationState.LocalMissing, "the local file no longer exists");
        }

        var available = replica?.States.Where(s => s.Value == ReplicaState.Available).Select(s => s.Key).ToList() ?? [];
        if (replica is null || available.Count == 0)
        {
            var states = replica is null || replica.States.Count == 0
                ? "none yet"
                : string.Join(", ", replica.States.Select(s => $"{s.Key} {s.Value.ToString().ToUpperInvariant()}"));
            return new(localPath, did, VerificationState.NotYet, $"no AVAILABLE replica on {rseExpression} ({states})");
        }

        var local = await Checksums.OfFileAsync(localPath, null, cancellationToken);
        if (!local.Matches(replica.Bytes, replica.Adler32, replica.Md5))
        {
            return new(localPath, did, VerificationState.Mismatch,
                $"the local file ({local.Bytes} bytes, adler32 {local.Adler32}) differs from Rucio's ({replica.Bytes} bytes, adler32 {replica.Adler32 ?? "-"})");
        }

        var fullLocal = Path.GetFullPath(localPath);
        foreach (var rse in available)
        {
            foreach (var pfn in replica.Rses.GetValueOrDefault(rse) ?? [])
            {
                if (StoragePaths.LocalPathOf(pfn) is not { } replicaPath)
                {
                    continue;
                }

                if (string.Equals(Path.GetFullPath(replicaPath), fullLocal, StringComparison.Ordinal))
                {
                    return new(localPath, did, VerificationState.IsTheReplica, $"this file is the replica on {rse}; Rucio manages its deletion");
                }

                if (File.Exists(replicaPath))
                {
                    var stored = await Checksums.OfFileAsync(replicaPath, null, cancellationToken);
                    if (!stored.Matches(replica.Bytes, replica.Adler32, replica.Md5))
                    {
                        return new(localPath, did, VerificationState.Mismatch, $"the replica's bytes on {rse} do not match Rucio's checksum");
                    }
                }
            }
        }

        return new(localPath, did, VerificationState.Verified, $"AVAILABLE on {string.Join(", ", available)} with matching checksum");
    }
}
