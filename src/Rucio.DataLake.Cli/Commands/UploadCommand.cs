using System.CommandLine;
using System.Globalization;
using Rucio.Client;
using Rucio.DataLake.Core.Transfers;
using Spectre.Console;

namespace Rucio.DataLake.Cli.Commands;

/// <summary>
/// <c>datalake upload [PATHS]... -s SCOPE [-p PREFIX] [-t DAYS] [--rse EXPR] [--dataset DID] [--delay-deletion]</c>:
/// registers files from the scratch space with a replication rule (on each file, or on the dataset), then deletes the
/// scratch copies once Rucio verifiably holds them.
/// </summary>
internal static class UploadCommand
{
    /// <summary>Days before a <c>--delay-deletion</c> file is removed; <c>DATALAKE_DELETION_DELAY_DAYS</c> overrides it.</summary>
    private const double DefaultDelayDays = 2;

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or directories (recursive) to upload, usually under $SCRATCH.", Arity = ArgumentArity.OneOrMore };
        var scope = new Option<string>("--scope", "-s") { Description = "Scope of the uploaded files.", Required = true };
        var prefix = new Option<string?>("--prefix", "-p") { Description = "Prefix of the DID names (e.g. 'run42/')." };
        var lifetime = new Option<int?>("--lifetime", "-t") { Description = "Replication rule lifetime in days (0 = indefinite). Default: the instance's replication_rule_lifetime_days." };
        var rse = new Option<string?>("--rse") { Description = "RSE expression for the replication rule. Default: the instance's destination_rse." };
        var delay = new Option<bool>("--delay-deletion") { Description = "Keep the scratch files for a while (default 2 days) instead of deleting them right after a verified upload." };
        var dataset = new Option<string?>("--dataset", "-d") { Description = "Attach the files to this dataset ([SCOPE:]NAME, default scope: --scope), created if missing; the rule is then one rule on the dataset." };
        var command = new Command("upload", "Upload files from the scratch space to Rucio with a replication rule.") { paths, scope, prefix, lifetime, rse, dataset, delay };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, async (session, output, token) =>
        {
            var expression = parse.GetValue(rse) ?? session.Instance.DestinationRse
                ?? throw new CliException(ExitCodes.UsageError, "Give the rule's RSE expression with --rse (this instance has no destination_rse).");
            var days = parse.GetValue(lifetime) ?? session.Instance.ReplicationRuleLifetimeDays ?? 0;
            if (days < 0)
            {
                throw new CliException(ExitCodes.UsageError, "--lifetime is a number of days, 0 for indefinite.");
            }

            var delayDays = double.TryParse(CliPaths.Variable("DATALAKE_DELETION_DELAY_DAYS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var configured) && configured >= 0
                ? configured
                : DefaultDelayDays;
            var delayed = parse.GetValue(delay);
            var items = UploadPlanner.Plan(parse.GetValue(paths)!, parse.GetValue(scope)!, parse.GetValue(prefix));
            var datasetDid = DatasetDid(parse.GetValue(dataset), parse.GetValue(scope)!);
            var scratch = CliPaths.Scratch;

            if (!output.IsJson)
            {
                AnsiConsole.WriteLine(scratch is null
                    ? "$SCRATCH is not set: local files are kept."
                    : delayed
                        ? $"Uploaded files will be deleted from {scratch} after {delayDays:0.#} days, once their replicas are verified (by `datalake cleanup`)."
                        : $"Uploaded files will be deleted from {scratch} as soon as Rucio holds a verified copy. Use --delay-deletion to delete them after {delayDays:0.#} days.");
                AnsiConsole.WriteLine($"Uploading {items.Count} files to Rucio...");
                if (datasetDid is not null)
                {
                    AnsiConsole.WriteLine($"The files are attached to the dataset {datasetDid} (created if missing), which gets the replication rule.");
                }
            }

            var options = new UploadOptions
            {
                RuleRseExpression = expression,
                RuleLifetime = days == 0 ? null : TimeSpan.FromDays(days),
                ScratchRse = CliPaths.Variable("DATALAKE_SCRATCH_RSE"),
                RuleComment = "datalake upload",
                Dataset = datasetDid,
                CreateDataset = true,
            };
            using var storage = await session.OpenStorageAsync(token);
            var engine = new UploadEngine(session.Client, storage);
            var report = await TransferDisplay.RunAsync(output, $"Uploading {items.Count} files", progress => engine.UploadAsync(items, options, progress, token));

            var fates = await ScratchFate.ApplyAsync(session, report, scratch, delayed, TimeSpan.FromDays(delayDays), token);
            UploadOutput.Write(output, session.Instance, report, fates, days, delayed);

            var failed = report.Files.FirstOrDefault(f => !f.Succeeded);
            if (failed is not null)
            {
                throw new CliReportedException(ExitCodes.For(failed.Failure ?? TransferFailure.StorageError));
            }
        }, ct));
        return command;
    }

    /// <summary><c>SCOPE:NAME</c>, or a bare name in the upload's scope; null without <c>--dataset</c>.</summary>
    private static Did? DatasetDid(string? given, string scope)
    {
        if (string.IsNullOrWhiteSpace(given))
        {
            return null;
        }

        var text = given.Contains(':', StringComparison.Ordinal) ? given : $"{scope}:{given}";
        return Did.TryParse(text, out var did) && did.Name.Length > 0
            ? did
            : throw new CliException(ExitCodes.UsageError, $"--dataset '{given}' is not a dataset name (SCOPE:NAME or NAME).");
    }
}

/// <summary>What happened to the local copy of an uploaded file.</summary>
internal sealed record LocalFate(string State, string Reason);

/// <summary>Records uploaded scratch files in the ledger, and deletes the verified ones unless deletion is delayed.</summary>
internal static class ScratchFate
{
    public static async Task<IReadOnlyDictionary<string, LocalFate>> ApplyAsync(CliSession session, UploadReport report, string? scratch, bool delayed, TimeSpan delay, CancellationToken cancellationToken)
    {
        var fates = new Dictionary<string, LocalFate>(StringComparer.Ordinal);
        var now = TimeProvider.System.GetUtcNow();
        var entries = new List<LedgerEntry>();
        foreach (var file in report.Files.Where(f => f.Succeeded))
        {
            var path = file.Item.LocalPath;
            if (scratch is null || !path.StartsWith(scratch.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                fates[path] = new LocalFate("kept", "not in $SCRATCH");
            }
            else if (file.Placement == UploadPlacement.RegisteredInPlace)
            {
                fates[path] = new LocalFate("kept", "this file is the replica itself; Rucio manages its deletion");
            }
            else
            {
                entries.Add(new LedgerEntry(path, file.Item.Did, report.RuleRseExpression, file.RuleId ?? report.DatasetRuleId, file.Bytes, file.Adler32!, now, delayed ? now + delay : now, null));
            }
        }

        if (entries.Count == 0)
        {
            return fates;
        }

        var ledger = new DeletionLedger(CliPaths.LedgerPath);
        await ledger.RecordAsync(entries, cancellationToken);
        if (delayed)
        {
            foreach (var entry in entries)
            {
                fates[entry.Path] = new LocalFate("scheduled", $"deleted after {entry.DeleteAfter:yyyy-MM-dd HH:mm} UTC by `datalake cleanup`, once verified");
            }

            return fates;
        }

        var cleaner = new ScratchCleaner(new ReplicaVerifier(session.Client), ledger, TimeProvider.System);
        var result = await cleaner.DeleteVerifiedAsync(entries, dryRun: false, cancellationToken);
        foreach (var deleted in result.Deleted)
        {
            fates[deleted.Path] = new LocalFate("deleted", deleted.Reason);
        }

        foreach (var kept in result.Kept)
        {
            fates[kept.Path] = new LocalFate("kept", $"not deleted yet: {kept.Reason}; `datalake cleanup` deletes it once verified");
        }

        return fates;
    }
}
