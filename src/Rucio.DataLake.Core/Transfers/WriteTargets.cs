using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>An RSE and the protocol this machine writes to it with.</summary>
internal sealed record WriteTarget(string Rse, bool Deterministic, RseProtocol Protocol, IStorageProtocol Storage)
{
    public string PfnFor(Did did) => Deterministic
        ? StoragePaths.Pfn(Protocol, StoragePaths.DeterministicPath(did.Scope, did.Name))
        : throw new TransferException(TransferFailure.NoWriteProtocol,
            $"{Rse} is not deterministic: Rucio cannot derive a storage path for {did}. Upload to a deterministic RSE.");
}

/// <summary>An RSE whose storage is mounted here through a <c>file</c> protocol (the user's scratch space).</summary>
internal sealed record MountedRse(string Rse, bool Deterministic, RseProtocol Protocol, string LocalPrefix);

/// <summary>
/// Finds where uploads go: the write protocol of an RSE (file when mounted, then https/davs, then root, then the RSE's
/// own priority), and which RSE a local path already belongs to.
/// </summary>
internal sealed class WriteTargets(RucioClient client, StorageProtocols protocols)
{
    private IReadOnlyList<MountedRse>? _mounted;

    /// <summary>The best write protocol of <paramref name="rse"/>, or a clear error saying why there is none.</summary>
    public async Task<WriteTarget> ForRseAsync(string rse, IReadOnlyCollection<string>? schemes, CancellationToken cancellationToken)
    {
        var settings = await client.Rses.GetAsync(rse, cancellationToken);
        if (settings.AvailabilityWrite == false)
        {
            throw new TransferException(TransferFailure.NoWriteProtocol, $"{rse} is not available for writing.");
        }

        var reasons = new List<string>();
        var candidates = new List<(RseProtocol Protocol, IStorageProtocol Storage, int Rank, int Priority)>();
        foreach (var protocol in settings.Protocols)
        {
            var priority = WritePriority(protocol);
            var storage = protocols.For(protocol.Scheme);
            if (priority is null || storage is null || (schemes is not null && !schemes.Contains(protocol.Scheme, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!storage.CanUse(protocol, out var reason))
            {
                reasons.Add($"{protocol.Scheme}: {reason}");
                continue;
            }

            candidates.Add((protocol, storage, protocols.Rank(protocol.Scheme), priority.Value));
        }

        if (candidates.Count == 0)
        {
            var detail = reasons.Count == 0 ? "it offers no write protocol among file, https/davs and root" : string.Join("; ", reasons);
            throw new TransferException(TransferFailure.NoWriteProtocol, $"Cannot write to {rse}: {detail}.");
        }

        var best = candidates.OrderBy(c => c.Rank).ThenBy(c => c.Priority).First();
        return new WriteTarget(settings.Rse, settings.Deterministic != false, best.Protocol, best.Storage);
    }

    /// <summary>The first RSE matching <paramref name="expression"/> that this machine can write to.</summary>
    public async Task<WriteTarget> ForExpressionAsync(string expression, IReadOnlyCollection<string>? schemes, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        await foreach (var rse in client.Rses.ListAsync(expression, cancellationToken))
        {
            try
            {
                return await ForRseAsync(rse.Rse, schemes, cancellationToken);
            }
            catch (TransferException ex) when (ex.Failure == TransferFailure.NoWriteProtocol)
            {
                errors.Add(ex.Message);
            }
        }

        throw new TransferException(TransferFailure.NoWriteProtocol, errors.Count == 0
            ? $"No RSE matches '{expression}'."
            : $"No RSE matching '{expression}' can be written from here: {string.Join(" ", errors)}");
    }

    /// <summary>The mounted RSE holding <paramref name="localPath"/> (longest prefix wins), or null.</summary>
    public async Task<MountedRse?> FindMountedAsync(string localPath, string? onlyRse, CancellationToken cancellationToken)
    {
        _mounted ??= await LoadMountedAsync(onlyRse, cancellationToken);
        var full = Path.GetFullPath(localPath);
        return _mounted
            .Where(m => full.StartsWith(m.LocalPrefix, StringComparison.Ordinal))
            .OrderByDescending(m => m.LocalPrefix.Length)
            .FirstOrDefault();
    }

    private async Task<IReadOnlyList<MountedRse>> LoadMountedAsync(string? onlyRse, CancellationToken cancellationToken)
    {
        var names = onlyRse is not null
            ? [onlyRse]
            : await client.Rses.ListAsync(cancellationToken: cancellationToken).Select(r => r.Rse).ToListAsync(cancellationToken);
        var found = new List<MountedRse>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (name, token) =>
        {
            var settings = await client.Rses.GetAsync(name, token);
            foreach (var protocol in settings.Protocols.Where(p => p.Scheme == "file"))
            {
                var prefix = StoragePaths.NormalizedPrefix(protocol);
                if (Directory.Exists(prefix))
                {
                    lock (found)
                    {
                        found.Add(new MountedRse(settings.Rse, settings.Deterministic != false, protocol, prefix));
                    }
                }
            }
        });
        return found;
    }

    /// <summary>The best (lowest non-zero) write priority over the LAN and WAN domains; null when writing is not offered.</summary>
    private static int? WritePriority(RseProtocol protocol)
    {
        int? best = null;
        foreach (var domain in protocol.Domains?.Values ?? [])
        {
            if (domain.TryGetValue("write", out var priority) && priority is > 0 && (best is null || priority < best))
            {
                best = priority;
            }
        }

        return best;
    }
}
