using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>What to download and how.</summary>
internal sealed record DownloadOptions
{
    /// <summary>Files land in <c>DestinationRoot/scope/name</c>.</summary>
    public required string DestinationRoot { get; init; }

    /// <summary>Files downloaded at the same time.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Replicas on RSEs matching this expression are tried first (e.g. the site's own storage).</summary>
    public string? PreferredRseExpression { get; init; }

    /// <summary>Sent as the client location so Rucio sorts the replicas for this site.</summary>
    public string? SiteName { get; init; }

    /// <summary><c>xcache_url</c>: an XCache put in front of root:// PFNs.</summary>
    public Uri? XCacheUrl { get; init; }

    /// <summary>Replace an existing local file whose content differs from Rucio's; otherwise such a file is an error.</summary>
    public bool ReplaceDifferentFiles { get; init; }
}

internal enum DownloadOutcome
{
    Downloaded,
    AlreadyPresent,
    Failed,
}

/// <summary>The result for one file of a download.</summary>
internal sealed record DownloadedFile(Did Did, string Path, long? Bytes, DownloadOutcome Outcome, string? Rse, string? Error, TransferFailure? Failure);

/// <summary>
/// Downloads the files of a DID: for each file, replicas in preference order, a hidden part file in the destination
/// directory (resumed when a previous attempt left one), checksum verification against Rucio, fsync and an atomic rename.
/// A file already present and verified is not fetched again; a different local file is never overwritten unless asked.
/// </summary>
internal sealed class DownloadEngine(RucioClient client, StorageProtocols protocols)
{
    public async Task<IReadOnlyList<DownloadedFile>> DownloadAsync(Did did, DownloadOptions options, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var replicas = await client.Replicas.ListAsync(new ReplicaListRequest
        {
            Dids = [did],
            Schemes = protocols.Schemes,
            ClientLocation = options.SiteName is null ? null : new ClientLocation { Site = options.SiteName },
        }, cancellationToken).ToListAsync(cancellationToken);

        // A collection's files that have no AVAILABLE replica are not listed above; list the content to report them.
        var files = await client.Dids.ListFilesAsync(did, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        var listed = replicas.Select(r => r.Did).ToHashSet();
        var unavailable = files.Where(f => !listed.Contains(f.Did)).ToList();

        IReadOnlySet<string>? preferred = null;
        if (options.PreferredRseExpression is { } expression)
        {
            preferred = await client.Rses.ListAsync(expression, cancellationToken).Select(r => r.Rse).ToHashSetAsync(cancellationToken: cancellationToken);
        }

        var tracker = new ProgressTracker(replicas.Count + unavailable.Count, replicas.Sum(r => r.Bytes ?? 0), progress);
        var results = new DownloadedFile[replicas.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, replicas.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
            async (index, token) => results[index] = await DownloadFileAsync(replicas[index], options, preferred, tracker, token));

        var missing = unavailable.Select(f =>
        {
            tracker.FileFailed();
            return new DownloadedFile(f.Did, StoragePaths.DownloadPath(options.DestinationRoot, f.Did), f.Bytes, DownloadOutcome.Failed, null,
                $"{f.Did} has no AVAILABLE replica readable here.", TransferFailure.NoUsableReplica);
        });
        return [.. results, .. missing];
    }

    /// <summary>Downloads one file; failures are returned (not thrown) so the other files of a collection go on.</summary>
    public async Task<DownloadedFile> DownloadFileAsync(Replica replica, DownloadOptions options, IReadOnlySet<string>? preferredRses, ProgressTracker tracker, CancellationToken cancellationToken)
    {
        var did = replica.Did;
        var finalPath = StoragePaths.DownloadPath(options.DestinationRoot, did);
        tracker.Started(did.ToString());
        var meter = new TransferMeter(tracker, limiter: null);
        try
        {
            var outcome = await FetchAsync(replica, finalPath, options, preferredRses, meter, cancellationToken);
            tracker.FileSucceeded();
            return outcome;
        }
        catch (TransferException ex)
        {
            meter.Reset(0);
            tracker.FileFailed();
            return new DownloadedFile(did, finalPath, replica.Bytes, DownloadOutcome.Failed, null, ex.Message, ex.Failure);
        }
    }

    /// <summary>Identifies the content a part file holds, so only a retry of the same content resumes it.</summary>
    internal static string PartKey(Replica replica) => $"{replica.Did}|{replica.Bytes}|{replica.Adler32}|{replica.Md5}";

    private async Task<DownloadedFile> FetchAsync(Replica replica, string finalPath, DownloadOptions options, IReadOnlySet<string>? preferredRses, TransferMeter meter, CancellationToken cancellationToken)
    {
        var did = replica.Did;
        if (replica.Adler32 is null && replica.Md5 is null)
        {
            throw new TransferException(TransferFailure.ChecksumMismatch, $"Rucio holds no checksum for {did}; it cannot be verified, so it is not downloaded.");
        }

        if (File.Exists(finalPath))
        {
            var existing = await Checksums.OfFileAsync(finalPath, null, cancellationToken, withMd5: replica.Adler32 is null);
            if (existing.Matches(replica.Bytes, replica.Adler32, replica.Md5))
            {
                meter.Reset(replica.Bytes ?? existing.Bytes);
                return new DownloadedFile(did, finalPath, existing.Bytes, DownloadOutcome.AlreadyPresent, null, null, null);
            }

            if (!options.ReplaceDifferentFiles)
            {
                throw new TransferException(TransferFailure.DestinationExists,
                    $"'{finalPath}' exists and differs from {did} in Rucio; it was left untouched (move it away to download).");
            }
        }

        var sources = ReplicaSources.Order(replica, protocols, preferredRses, options.XCacheUrl);
        if (sources.Count == 0)
        {
            throw new TransferException(TransferFailure.NoUsableReplica, $"{did} has no AVAILABLE replica readable with file, https/davs or root from here.");
        }

        var part = StoragePaths.PartPath(finalPath, PartKey(replica));
        if (LocalFiles.LengthOrMissing(part) > (replica.Bytes ?? long.MaxValue))
        {
            LocalFiles.DeleteQuietly(part);
        }

        var errors = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                await source.Protocol.DownloadAsync(source.Pfn, part, meter, cancellationToken);
                var received = await Checksums.OfFileAsync(part, null, cancellationToken, withMd5: replica.Adler32 is null);
                if (!received.Matches(replica.Bytes, replica.Adler32, replica.Md5))
                {
                    // A corrupt replica: this part must not be resumed from, and the next replica may be good.
                    LocalFiles.DeleteQuietly(part);
                    meter.Reset(0);
                    errors.Add($"{source.Rse}: checksum mismatch (got {received.Bytes} bytes, adler32 {received.Adler32}; Rucio says {replica.Bytes} bytes, adler32 {replica.Adler32 ?? "-"})");
                    continue;
                }

                LocalFiles.Publish(part, finalPath, options.ReplaceDifferentFiles);
                return new DownloadedFile(did, finalPath, received.Bytes, DownloadOutcome.Downloaded, source.Rse, null, null);
            }
            catch (OperationCanceledException)
            {
                // A cancelled download is abandoned: nothing partial is kept.
                LocalFiles.DeleteQuietly(part);
                throw;
            }
            catch (IOException ex) when (LocalFiles.IsDiskFull(ex))
            {
                LocalFiles.DeleteQuietly(part);
                throw new TransferException(TransferFailure.DiskFull,
                    $"No space left on the device holding '{Path.GetDirectoryName(finalPath)}' while downloading {did} ({replica.Bytes} bytes); the partial file was removed.", ex);
            }
            catch (TransferException ex) when (ex.Failure is TransferFailure.StorageError or TransferFailure.ToolMissing or TransferFailure.SourceMissing)
            {
                // The part stays: the next replica (or a later retry) resumes it.
                errors.Add($"{source.Rse}: {ex.Message}");
            }
            catch (TransferException ex) when (ex.Failure == TransferFailure.DiskFull)
            {
                LocalFiles.DeleteQuietly(part);
                throw;
            }
            catch (IOException ex)
            {
                errors.Add($"{source.Rse}: {ex.Message}");
            }
        }

        var failure = errors.TrueForAll(e => e.Contains("checksum mismatch", StringComparison.Ordinal)) ? TransferFailure.ChecksumMismatch : TransferFailure.StorageError;
        if (failure == TransferFailure.ChecksumMismatch)
        {
            LocalFiles.DeleteQuietly(part);
        }

        throw new TransferException(failure, $"{did} could not be downloaded: {string.Join("; ", errors)}");
    }
}
