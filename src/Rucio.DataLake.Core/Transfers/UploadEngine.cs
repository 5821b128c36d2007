using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>
/// Rucio's upload flow. One listing checks every DID of the upload against the catalogue (same content is fine,
/// different is an error). Then, per file and in parallel: the bytes go onto the RSE (in place when the file is already
/// on a mounted RSE, else through the write protocol, verified on the storage; for mounted storage the checksum is
/// computed while copying, so the source is read once); only then is the replica queued for registration, which is
/// batched (one <c>POST /replicas</c> for the files ready at that moment). Then the optional dataset and the rules.
/// Nothing is registered without verified bytes, and bytes written for a registration Rucio refused are removed.
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

        var catalogue = new UploadCatalogue(client);
        if (items.Count > 0)
        {
            await catalogue.LoadAsync([.. items.Select(i => i.Did)], cancellationToken);
        }

        var results = new UploadedFile[items.Count];
        var registered = new Task<UploadedFile>?[items.Count];
        await using (var registrar = new ReplicaRegistrar(client, cancellationToken))
        {
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
                        var (placed, checksum) = await PlaceAsync(item, options, catalogue, writeTarget, meter, token);
                        meter.Reset(checksum.Bytes);
                        if (placed.Placement == UploadPlacement.AlreadyRegistered)
                        {
                            results[index] = Success(item, checksum, placed);
                            tracker.FileSucceeded();
                            return;
                        }

                        var registration = registrar.RegisterAsync(new PendingReplica(item.Did, checksum, placed.Rse, placed.Deterministic, placed.Pfn, placed.LocalPath));
                        registered[index] = AfterRegistrationAsync(item, checksum, placed, registration, tracker);
                    }
                    catch (Exception ex) when (ex is TransferException or RucioException)
                    {
                        tracker.FileFailed();
                        results[index] = Failed(item, ex);
                    }
                });

            for (var i = 0; i < items.Count; i++)
            {
                if (registered[i] is { } pending)
                {
                    results[i] = await pending;
                }
            }
        }

        return await AddRulesAsync(results, options, cancellationToken);
    }

    /// <summary>The dataset (created if asked) and its rule, or one rule per uploaded file, all in single requests.</summary>
    private async Task<UploadReport> AddRulesAsync(UploadedFile[] results, UploadOptions options, CancellationToken cancellationToken)
    {
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

    /// <summary>Puts the file's verified bytes on the RSE (or finds them there already); returns where, and their checksum.</summary>
    private async Task<(Placed Placed, FileChecksum Checksum)> PlaceAsync(UploadItem item, UploadOptions options, UploadCatalogue catalogue, Lazy<Task<WriteTarget>> writeTarget, TransferMeter meter, CancellationToken cancellationToken)
    {
        var length = LocalFiles.LengthOrMissing(item.LocalPath);
        if (length < 0 || !File.Exists(item.LocalPath))
        {
            throw new TransferException(TransferFailure.SourceMissing, $"'{item.LocalPath}' does not exist.");
        }

        var known = await catalogue.LookupAsync(item.Did, cancellationToken);
        UploadCatalogue.RequireSameSize(item.Did, known, length);
        var mounted = options.RegisterInPlace ? await _targets.FindMountedAsync(item.LocalPath, options.ScratchRse, cancellationToken) : null;
        var rse = mounted?.Rse ?? (await writeTarget.Value).Rse;
        if (UploadCatalogue.AvailableReplica(item.Did, known, rse) is { } existingPfn)
        {
            var checksum = await Checksums.OfFileAsync(item.LocalPath, null, cancellationToken);
            UploadCatalogue.RequireSameContent(item.Did, known, checksum);
            return (new Placed(rse, true, existingPfn, UploadPlacement.AlreadyRegistered, WrittenByUs: false, null), checksum);
        }

        if (mounted is not null)
        {
            // In place: the only read of the source is this checksum (a hard link copies nothing).
            var checksum = await Checksums.OfFileAsync(item.LocalPath, null, cancellationToken);
            UploadCatalogue.RequireSameContent(item.Did, known, checksum);
            var onMount = await MountPlacement.TryPlaceAsync(item, mounted, checksum, cancellationToken);
            return (onMount ?? await CopyAsync(item, await writeTarget.Value, checksum, meter, cancellationToken), checksum);
        }

        var target = await writeTarget.Value;
        if (target.Storage is FileStorageProtocol file)
        {
            // Checksummed while copying: one read of the source; the catalogue check happens before the rename.
            var pfn = target.PfnFor(item.Did);
            var staged = await file.StageAsync(item.LocalPath, pfn, meter, cancellationToken);
            try
            {
                UploadCatalogue.RequireSameContent(item.Did, known, staged.Checksum);
            }
            catch
            {
                LocalCopy.Discard(staged);
                throw;
            }

            FileStorageProtocol.Publish(staged, pfn);
            return (new Placed(target.Rse, target.Deterministic, pfn, UploadPlacement.Copied, WrittenByUs: true, staged.FinalPath), staged.Checksum);
        }

        // Remote protocols need the checksum first (xrdcp verifies against it end to end); the copy is network-bound.
        var sourceChecksum = await Checksums.OfFileAsync(item.LocalPath, null, cancellationToken);
        UploadCatalogue.RequireSameContent(item.Did, known, sourceChecksum);
        return (await CopyAsync(item, target, sourceChecksum, meter, cancellationToken), sourceChecksum);
    }

    private static async Task<Placed> CopyAsync(UploadItem item, WriteTarget target, FileChecksum checksum, TransferMeter meter, CancellationToken cancellationToken)
    {
        var pfn = target.PfnFor(item.Did);
        await target.Storage.UploadAsync(item.LocalPath, pfn, checksum, meter, cancellationToken);
        var local = target.Storage is FileStorageProtocol ? StoragePaths.LocalPathOf(pfn) : null;
        return new Placed(target.Rse, target.Deterministic, pfn, UploadPlacement.Copied, WrittenByUs: true, local);
    }

    /// <summary>
    /// The file's result once its registration is settled. Bytes are removed only when Rucio definitely refused them
    /// (a 4xx answer): after a cancellation, a lost connection or a server error the registration may have happened,
    /// and removing the bytes then would leave Rucio with a replica that has none. A file left unregistered that way
    /// sits under its deterministic name, where the next upload of the same DID adopts or replaces it.
    /// </summary>
    private async Task<UploadedFile> AfterRegistrationAsync(UploadItem item, FileChecksum checksum, Placed placed, Task registration, ProgressTracker tracker)
    {
        try
        {
            await registration;
            tracker.FileSucceeded();
            return Success(item, checksum, placed);
        }
        catch (Exception ex) when (ex is RucioException or TransferException)
        {
            var refused = ex is TransferException || (ex is RucioException { Status: >= 400 and < 500 });
            if (placed.WrittenByUs && refused)
            {
                await RemoveQuietlyAsync(placed, CancellationToken.None);
            }

            tracker.FileFailed();
            return Failed(item, ex);
        }
    }

    private static UploadedFile Success(UploadItem item, FileChecksum checksum, Placed placed) =>
        new(item, checksum.Bytes, checksum.Adler32, placed.Rse, placed.Pfn, placed.Placement, null, null, null);

    private static UploadedFile Failed(UploadItem item, Exception exception) => exception switch
    {
        TransferException transfer => new UploadedFile(item, 0, null, null, null, null, null, transfer.Message, transfer.Failure),
        _ => new UploadedFile(item, 0, null, null, null, null, null, $"Rucio refused {item.Did}: {exception.Message}", TransferFailure.StorageError),
    };

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
}
