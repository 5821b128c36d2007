using Rucio.Client;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.Transfers;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Upload;

/// <summary>
/// Performs one upload job with the instance's current credentials: plans the files (a folder recursively, DIDs
/// <c>folder/relative/path</c>), re-checks that each still resolves inside the allowed directories, and hands them
/// to the <see cref="UploadEngine"/> (verified bytes, then registration, then the dataset and the rule). Every step is
/// written to the job's log.
/// </summary>
internal sealed class UploadRunner(IServiceProvider services, UploadPaths paths, UploadLog log, UploadSettings settings, TimeProvider time,
    VomsProxyProvider voms, ILogger<UploadRunner> logger)
{
    /// <summary>Null when every file is in Rucio; else the sentence explaining the failure.</summary>
    /// <exception cref="OperationCanceledException">Cancelled by the user or by shutdown.</exception>
    public async Task<string?> RunAsync(UploadJob job, IProgress<TransferProgress> progress, CancellationToken cancellationToken)
    {
        await log.AppendAsync(job.Id, "Started.", cancellationToken);
        IReadOnlyList<UploadItem> items;
        try
        {
            items = await PlanAsync(job, cancellationToken);
        }
        catch (Exception ex) when (ex is TransferException or IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }

        if (items.Count == 0)
        {
            return $"'{job.Path}' contains no files to upload (hidden files are skipped).";
        }

        var session = await RucioSession.OpenAsync(services, job.Instance, cancellationToken);
        if (session is null)
        {
            return $"The instance '{job.Instance}' or its credentials are not usable any more; save your credentials in Settings, then upload again.";
        }

        var options = new UploadOptions
        {
            RuleRseExpression = job.Rse,
            RuleLifetime = job.LifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Dataset = job.Dataset,
            CreateDataset = true,
            Parallelism = settings.FileParallelism,
            RuleComment = "rucio-jupyterlab upload",
        };
        await log.AppendAsync(job.Id, $"Uploading {items.Count} file(s) to {job.Rse}.", cancellationToken);
        UploadReport report;
        try
        {
            using var lease = session.AcquireClient();
            using var protocols = new StorageProtocols(
                await StorageAccess.CreateAsync(session.Instance, session.AuthType, session.Credentials, lease.Client, voms, cancellationToken), time);
            report = await new UploadEngine(lease.Client, protocols).UploadAsync(items, options, progress, cancellationToken);
        }
        catch (RucioException ex)
        {
            // The panel's sentence, not the raw exception: it names the instance and what was being done.
            return session.ToProblem(ex, $"upload {job.Path}").Body.Error;
        }
        catch (Exception ex) when (ex is TransferException or CredentialsUnavailableException)
        {
            return ex.Message;
        }

        await WriteReportAsync(job, report, cancellationToken);
        var failed = report.Files.Where(f => !f.Succeeded).ToList();
        logger.LogInformation("Upload of {Path} ({Instance}) to {Rse} finished: {Done} of {Total} file(s) in Rucio",
            job.Path, job.Instance, job.Rse, report.Files.Count - failed.Count, report.Files.Count);
        return failed.Count == 0 ? null : $"{failed.Count} of {report.Files.Count} file(s) failed. First: {failed[0].Item.Did}: {failed[0].Error}";
    }

    private async Task<IReadOnlyList<UploadItem>> PlanAsync(UploadJob job, CancellationToken cancellationToken)
    {
        // The selection may have changed since it was accepted (a folder replaced by a link): check it again.
        if (!paths.IsInside(job.LocalPath, out var root) || root != job.LocalPath)
        {
            throw new TransferException(TransferFailure.SourceMissing, $"'{job.Path}' changed since the upload was requested, or now leads outside the folders you may upload from.");
        }

        if (!Directory.Exists(root))
        {
            return File.Exists(root)
                ? [new UploadItem(root, job.Did)]
                : throw new TransferException(TransferFailure.SourceMissing, $"'{job.Path}' does not exist any more.");
        }

        var planned = UploadPlanner.Plan([root], job.Did.Scope, null);
        var items = new List<UploadItem>(planned.Count);
        var folderName = Path.GetFileName(root);
        foreach (var item in planned)
        {
            if (!paths.IsInside(item.LocalPath, out var resolved))
            {
                await log.AppendAsync(job.Id, $"Skipped {Path.GetRelativePath(root, item.LocalPath)}: it links outside the folders you may upload from.", cancellationToken);
                continue;
            }

            // The planner names files after the folder's real name; the DIDs use the name the user selected.
            items.Add(new UploadItem(resolved, new Did(job.Did.Scope, job.Did.Name + item.Did.Name[folderName.Length..])));
        }

        return items;
    }

    private async Task WriteReportAsync(UploadJob job, UploadReport report, CancellationToken cancellationToken)
    {
        foreach (var file in report.Files)
        {
            await log.AppendAsync(job.Id, file.Succeeded
                ? $"OK {file.Item.Did} ({file.Bytes} bytes, adler32 {file.Adler32}) on {file.Rse}: {Describe(file.Placement)}" + (file.RuleId is { } rule ? $", rule {rule}" : "")
                : $"FAILED {file.Item.Did} ({file.Item.LocalPath}): {file.Error}", cancellationToken);
        }

        if (report.Dataset is { } dataset)
        {
            await log.AppendAsync(job.Id, $"Dataset {dataset}" + (report.DatasetRuleId is { } rule ? $": rule {rule} on {report.RuleRseExpression}" : ": no file attached"), cancellationToken);
        }
    }

    private static string Describe(UploadPlacement? placement) => placement switch
    {
        UploadPlacement.Copied => "copied and verified",
        UploadPlacement.LinkedOnStorage => "linked on the mounted storage",
        UploadPlacement.RegisteredInPlace => "registered in place",
        UploadPlacement.AlreadyRegistered => "already in Rucio with the same content",
        _ => "uploaded",
    };
}
