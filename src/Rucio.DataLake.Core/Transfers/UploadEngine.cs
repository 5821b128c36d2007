using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>
/// Rucio's upload flow. Per file: checksum the source; compare with an existing DID (same content is fine, different is
/// an error); put the bytes on the RSE (in place when the file is already on a mounted RSE, else through the write
/// protocol, verified on the storage); only then register the replica. Then the optional dataset and the rules.
/// Nothing is registered without verified bytes, and bytes written for a registration that failed are removed.
/// </summary>
internal sealed class UploadEngine(RucioClient client, StorageProtocols protocols)
{
    private readonly WriteTargets _targets = new(client, protocols);

    public async Task<UploadReport> UploadAsync(IReadOnlyList<UploadItem> items, UploadOptions options, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var tracker = new ProgressTracker(items.Count, items.Sum(i => LocalFiles.LengthOrMissing(i.LocalPath) is var n && n > 0 ? n : 0), progress);
        var limiter = protocols.CreateLimiter();
        var writeTarget = new Lazy<Task<WriteTarget>>(() => options.WriteRse is { } rse
            ? _targets.ForRseAsync(rse, options.Schemes, cancellationToken)
            : _targets.ForExpressionAsync(options.RuleRseExpression, options.Schemes, cancellationToken));

        var results = new UploadedFile[items.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var item = items[index];
                tracker.Started(item.Did.ToString());
                var meter = new TransferMeter(tracker, limiter);
                try
                {
                    results[index] = await UploadFileAsync(item, options, writeTarget, meter, token);
                    tracker.FileSucceeded();
                }
                catch (TransferException ex)
                {
                    tracker.FileFailed();
                    results[index] = new UploadedFile(item, 0, null, null, null, null, null, ex.Message, ex.Failure);
                }
                catch (RucioException ex)
                {
                    tracker.FileFailed();
                    results[index] = new UploadedFile(item, 0, null, null, null, null, null, $"Rucio refused {item.Did}: {ex.Message}", TransferFailure.StorageError);
                }
            });

        var registration = new UploadRegistration(client);
        var uploaded = results.Where(r => r.Succeeded).ToList();
        string? datasetRuleId = null;
        if (options.Dataset is { } dataset && uploaded.Count > 0)
        {
            await registration.AttachAsync(dataset, options.CreateDataset, uploaded.Select(r => r.Item.Did).ToList(), cancellationToken);
            datasetRuleId = await registration.AddRuleAsync(dataset, options, cancellationToken);
        }
        else if (uploaded.Count > 0)
        {
            var ruleIds = await registration.AddRulesAsync(uploaded.Select(r => r.Item.Did).ToList(), options, cancellationToken);
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i].Succeeded && ruleIds.TryGetValue(results[i].Item.Did, out var ruleId))
                {
                    results[i] = results[i] with { RuleId = ruleId };
                }
            }
        }

        return new UploadReport(results, options.RuleRseExpression, options.Dataset, datasetRuleId);
    }

    private async Task<UploadedFile> UploadFileAsync(UploadItem item, UploadOptions options, Lazy<Task<WriteTarget>> writeTarget, TransferMeter meter, CancellationToken cancellationToken)
    {
        if (!File.Exists(item.LocalPath))
        {
            throw new TransferException(TransferFailure.SourceMissing, $"'{item.LocalPath}' does not exist.");
        }

        var checksum = await Checksums.OfFileAsync(item.LocalPath, null, cancellationToken);
        await RequireConsistentDidAsync(item.Did, checksum, cancellationToken);

        var mounted = options.RegisterInPlace ? await _targets.FindMountedAsync(item.LocalPath, options.ScratchRse, cancellationToken) : null;
        var rse = mounted?.Rse ?? (await writeTarget.Value).Rse;
        if (await ExistingReplicaAsync(item.Did, rse, cancellationToken) is { } existingPfn)
        {
            meter.Reset(checksum.Bytes);
            return new UploadedFile(item, checksum.Bytes, checksum.Adler32, rse, existingPfn, UploadPlacement.AlreadyRegistered, null, null, null);
        }

        Placed placed = mounted is not null && await TryPlaceOnMountAsync(item, mounted, checksum, cancellationToken) is { } onMount
            ? onMount
            : await CopyAsync(item, await writeTarget.Value, checksum, meter, cancellationToken);
        meter.Reset(checksum.Bytes);

        try
        {
            await RegisterAsync(item.Did, checksum, placed, cancellationToken);
        }
        catch (Exception ex) when (ex is RucioException or OperationCanceledException)
        {
            // Unregistered bytes on an RSE are dark data nobody would ever clean: remove what this upload wrote.
            if (placed.WrittenByUs)
            {
                await RemoveQuietlyAsync(placed, CancellationToken.None);
            }

            throw;
        }

        return new UploadedFile(item, checksum.Bytes, checksum.Adler32, placed.Rse, placed.Pfn, placed.Placement, null, null, null);
    }

    private async Task RegisterAsync(Did did, FileChecksum checksum, Placed placed, CancellationToken cancellationToken)
    {
        try
        {
            await client.Replicas.AddAsync(placed.Rse, [new FileRegistration(did, checksum.Bytes, checksum.Adler32)
            {
                Md5 = checksum.Md5,
                Pfn = placed.Deterministic ? null : placed.Pfn,
            }], cancellationToken);
        }
        catch (RucioException ex) when (ex.Status == 409)
        {
            // Registered concurrently (another upload of the same file) is what we wanted; anything else is a conflict.
            if (await ExistingReplicaAsync(did, placed.Rse, cancellationToken) is null)
            {
                throw;
            }
        }
    }

    /// <summary>An existing DID must be a file with the same size and checksum; anything else is a clear conflict.</summary>
    private async Task RequireConsistentDidAsync(Did did, FileChecksum checksum, CancellationToken cancellationToken)
    {
        DidDetails existing;
        try
        {
            existing = await client.Dids.GetAsync(did, cancellationToken: cancellationToken);
        }
        catch (RucioException ex) when (ex.Status == 404)
        {
            return;
        }

        if (existing.Type != DidType.File)
        {
            throw new TransferException(TransferFailure.DidConflict, $"{did} already exists in Rucio as a {existing.Type.ToString().ToLowerInvariant()}, not a file.");
        }

        if (!checksum.Matches(existing.Bytes, existing.Adler32, existing.Md5))
        {
            throw new TransferException(TransferFailure.DidConflict,
                $"{did} already exists in Rucio with different content ({existing.Bytes} bytes, adler32 {existing.Adler32 ?? "-"}; this file: {checksum.Bytes} bytes, adler32 {checksum.Adler32}). Choose another name or --prefix.");
        }
    }

    /// <summary>The PFN of an AVAILABLE replica on <paramref name="rse"/>; throws when one exists in another state.</summary>
    private async Task<string?> ExistingReplicaAsync(Did did, string rse, CancellationToken cancellationToken)
    {
        await foreach (var replica in client.Replicas.ListAsync(new ReplicaListRequest { Dids = [did], AllStates = true, RseExpression = rse }, cancellationToken))
        {
            if (replica.Did == did && replica.States.TryGetValue(rse, out var state))
            {
                return state == ReplicaState.Available
                    ? replica.Rses.GetValueOrDefault(rse)?.FirstOrDefault() ?? string.Empty
                    : throw new TransferException(TransferFailure.DidConflict, $"{did} already has a replica on {rse} in state {state.ToString().ToUpperInvariant()}; try again once Rucio has finished with it.");
            }
        }

        return null;
    }

    /// <summary>
    /// The file is on a mounted RSE: it is the replica when it already sits at its storage path (or the RSE is not
    /// deterministic); otherwise a hard link gives it the deterministic path without copying. Null when the mount
    /// refuses both link and copy (read-only), so the caller falls back to the write protocol.
    /// </summary>
    private static async Task<Placed?> TryPlaceOnMountAsync(UploadItem item, MountedRse mounted, FileChecksum checksum, CancellationToken cancellationToken)
    {
        if (!mounted.Deterministic)
        {
            return new Placed(mounted.Rse, false, "file://" + mounted.Protocol.Hostname + item.LocalPath, UploadPlacement.RegisteredInPlace, WrittenByUs: false, null);
        }

        var relative = StoragePaths.DeterministicPath(item.Did.Scope, item.Did.Name);
        var target = Path.GetFullPath(Path.Combine(mounted.LocalPrefix, relative));
        var pfn = StoragePaths.Pfn(mounted.Protocol, relative);
        if (string.Equals(target, Path.GetFullPath(item.LocalPath), StringComparison.Ordinal))
        {
            return new Placed(mounted.Rse, true, pfn, UploadPlacement.RegisteredInPlace, WrittenByUs: false, null);
        }

        try
        {
            if (File.Exists(target))
            {
                // Leftover of an earlier attempt (not registered, checked above): keep it only if it is this content.
                var existing = await Checksums.OfFileAsync(target, null, cancellationToken);
                if (existing.Bytes == checksum.Bytes && existing.Adler32 == checksum.Adler32)
                {
                    return new Placed(mounted.Rse, true, pfn, UploadPlacement.LinkedOnStorage, WrittenByUs: true, target);
                }

                File.Delete(target);
            }

            if (!LocalFiles.TryHardLink(item.LocalPath, target))
            {
                var meter = new TransferMeter(new ProgressTracker(1, checksum.Bytes, null), null);
                await new FileStorageProtocol().UploadAsync(item.LocalPath, "file://" + target, checksum, meter, cancellationToken);
            }

            return new Placed(mounted.Rse, true, pfn, UploadPlacement.LinkedOnStorage, WrittenByUs: true, target);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is IOException io && !LocalFiles.IsDiskFull(io)) || ex is TransferException { Failure: TransferFailure.StorageError })
        {
            return null;
        }
    }

    private static async Task<Placed> CopyAsync(UploadItem item, WriteTarget target, FileChecksum checksum, TransferMeter meter, CancellationToken cancellationToken)
    {
        var pfn = target.PfnFor(item.Did);
        await target.Storage.UploadAsync(item.LocalPath, pfn, checksum, meter, cancellationToken);
        return new Placed(target.Rse, target.Deterministic, pfn, UploadPlacement.Copied, WrittenByUs: true, null);
    }

    private async Task RemoveQuietlyAsync(Placed placed, CancellationToken cancellationToken)
    {
        try
        {
            if (placed.LocalPath is { } local)
            {
                File.Delete(local);
            }
            else
            {
                await protocols.ForPfn(placed.Pfn).DeleteAsync(placed.Pfn, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is TransferException or IOException or UnauthorizedAccessException)
        {
            // The registration error is what the user must see; an orphan left here has a deterministic name that
            // the next upload of the same DID overwrites.
        }
    }

    private sealed record Placed(string Rse, bool Deterministic, string Pfn, UploadPlacement Placement, bool WrittenByUs, string? LocalPath);
}
