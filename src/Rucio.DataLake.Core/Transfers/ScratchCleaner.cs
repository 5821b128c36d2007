namespace Rucio.DataLake.Core.Transfers;

/// <summary>One file or directory <c>datalake cleanup</c> (or an upload) deleted or kept, and why.</summary>
internal sealed record CleanupEntry(string Path, string? Did, string Reason);

internal sealed record CleanupReport(IReadOnlyList<CleanupEntry> Deleted, IReadOnlyList<CleanupEntry> Kept, IReadOnlyList<string> RemovedDirectories, bool DryRun);

/// <summary>
/// Deletes scratch copies whose replicas Rucio verifiably holds, and nothing else. Uploaded files are known from the
/// <see cref="DeletionLedger"/>; each is re-verified (Rucio state and checksum, local bytes re-read) right before it is
/// deleted. Files the ledger does not know are kept and reported; empty directories older than the threshold go.
/// Idempotent, and safe to run from cron; with <c>dryRun</c> nothing at all changes (not even the ledger).
/// </summary>
internal sealed class ScratchCleaner(ReplicaVerifier verifier, DeletionLedger ledger, TimeProvider time)
{
    /// <summary>Verifies the given ledger entries now and deletes the verified ones (the upload's "delete right after").</summary>
    public async Task<CleanupReport> DeleteVerifiedAsync(IReadOnlyList<LedgerEntry> entries, bool dryRun, CancellationToken cancellationToken)
    {
        var deleted = new List<CleanupEntry>();
        var kept = new List<CleanupEntry>();
        foreach (var group in entries.GroupBy(e => e.RseExpression, StringComparer.Ordinal))
        {
            var byPath = group.ToDictionary(e => e.Path, StringComparer.Ordinal);
            var results = await verifier.VerifyAsync([.. group.Select(e => (e.Path, e.Did))], group.Key, cancellationToken);
            foreach (var result in results)
            {
                var did = result.Did.ToString();
                switch (result.State)
                {
                    case VerificationState.Verified:
                        if (!dryRun)
                        {
                            File.Delete(result.LocalPath);
                            await ledger.ForgetAsync(result.LocalPath, cancellationToken);
                        }

                        deleted.Add(new CleanupEntry(result.LocalPath, did, result.Reason));
                        break;
                    case VerificationState.LocalMissing:
                        if (!dryRun)
                        {
                            await ledger.ForgetAsync(result.LocalPath, cancellationToken);
                        }

                        break;
                    case VerificationState.IsTheReplica:
                        if (!dryRun)
                        {
                            await ledger.ForgetAsync(result.LocalPath, cancellationToken);
                        }

                        kept.Add(new CleanupEntry(result.LocalPath, did, result.Reason));
                        break;
                    default:
                        if (!dryRun)
                        {
                            await ledger.NoteAsync(result.LocalPath, result.Reason, cancellationToken);
                        }

                        kept.Add(new CleanupEntry(result.LocalPath, did, result.Reason + (byPath[result.LocalPath].RuleId is { } rule ? $" (rule {rule})" : string.Empty)));
                        break;
                }
            }
        }

        return new CleanupReport(deleted, kept, [], dryRun);
    }

    /// <summary>The cron job: due ledger entries, then unknown old files (kept), then empty old directories.</summary>
    public async Task<CleanupReport> RunAsync(string scratchRoot, TimeSpan olderThan, bool dryRun, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var root = Path.GetFullPath(scratchRoot);
        var entries = (await ledger.ListAsync(cancellationToken)).Where(e => IsUnder(e.Path, root)).ToList();
        var due = entries.Where(e => e.DeleteAfter <= now).ToList();
        var report = await DeleteVerifiedAsync(due, dryRun, cancellationToken);
        var kept = report.Kept.ToList();
        kept.AddRange(entries.Where(e => e.DeleteAfter > now && File.Exists(e.Path))
            .Select(e => new CleanupEntry(e.Path, e.Did.ToString(), $"deletion scheduled after {e.DeleteAfter:yyyy-MM-dd HH:mm} UTC")));

        var known = entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        var threshold = now - olderThan;
        if (Directory.Exists(root))
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
            {
                if (!known.Contains(file) && File.GetLastWriteTimeUtc(file) < threshold.UtcDateTime)
                {
                    kept.Add(new CleanupEntry(file, null, "not uploaded with datalake, so no verified replica is known: kept"));
                }
            }
        }

        var deletedPaths = report.Deleted.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        var removed = Directory.Exists(root) ? RemoveEmptyDirectories(root, root, threshold, dryRun, deletedPaths) : [];
        return new CleanupReport(report.Deleted, kept, removed, dryRun);
    }

    private static List<string> RemoveEmptyDirectories(string directory, string root, DateTimeOffset threshold, bool dryRun, IReadOnlySet<string> deletedFiles)
    {
        var removed = new List<string>();
        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            if (new DirectoryInfo(child).LinkTarget is null)
            {
                removed.AddRange(RemoveEmptyDirectories(child, root, threshold, dryRun, deletedFiles));
            }
        }

        if (directory == root)
        {
            return removed;
        }

        // In a dry run nothing was deleted, so "empty" means: holding only what the real run would remove.
        var entries = Directory.EnumerateFileSystemEntries(directory).ToList();
        if (!entries.All(e => deletedFiles.Contains(e) || removed.Contains(e)))
        {
            return removed;
        }

        // A directory emptied by this run goes with its files; one that was empty already must be old enough (a job
        // may have just created it and be about to write into it).
        var emptiedNow = deletedFiles.Any(f => Path.GetDirectoryName(f) == directory) || removed.Any(d => Path.GetDirectoryName(d) == directory);
        if (!emptiedNow && Directory.GetLastWriteTimeUtc(directory) >= threshold.UtcDateTime)
        {
            return removed;
        }

        if (!dryRun)
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
                // Something was written into it meanwhile: keep it.
                return removed;
            }
        }

        removed.Add(directory);
        return removed;
    }

    private static bool IsUnder(string path, string root) =>
        Path.GetFullPath(path).StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
