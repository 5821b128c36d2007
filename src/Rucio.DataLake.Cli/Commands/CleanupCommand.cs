using System.CommandLine;
using Rucio.DataLake.Core.Transfers;
using Spectre.Console;

namespace Rucio.DataLake.Cli.Commands;

/// <summary>
/// <c>datalake cleanup [--dry-run] [--older-than DAYS]</c> (cron-able, idempotent): deletes scratch files whose replicas
/// are verified in Rucio and whose deletion is due, removes empty old folders, and keeps and reports everything else.
/// </summary>
internal static class CleanupCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would be deleted; change nothing." };
        var olderThan = new Option<double>("--older-than")
        {
            Description = "Report unknown files, and remove empty folders, older than this many days.",
            DefaultValueFactory = _ => 2,
        };
        var command = new Command("cleanup", "Delete scratch files that Rucio verifiably holds; keep and report the rest.") { dryRun, olderThan };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, async (session, output, token) =>
        {
            var scratch = CliPaths.Scratch ?? throw new CliException(ExitCodes.UsageError, "Set $SCRATCH to the scratch directory to clean.");
            if (parse.GetValue(olderThan) is var days && days < 0)
            {
                throw new CliException(ExitCodes.UsageError, "--older-than is a number of days (0 or more).");
            }

            var cleaner = new ScratchCleaner(new ReplicaVerifier(session.Client), new DeletionLedger(CliPaths.LedgerPath), TimeProvider.System);
            var report = await cleaner.RunAsync(scratch, TimeSpan.FromDays(days), parse.GetValue(dryRun), token);
            Write(output, scratch, report);
        }, ct));
        return command;
    }

    private static void Write(Output output, string scratch, CleanupReport report)
    {
        if (output.IsJson)
        {
            output.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("scratch", scratch);
                w.WriteBoolean("dry_run", report.DryRun);
                WriteEntries(w, report.DryRun ? "would_delete" : "deleted", report.Deleted);
                WriteEntries(w, "kept", report.Kept);
                w.WriteStartArray(report.DryRun ? "would_remove_directories" : "removed_directories");
                foreach (var directory in report.RemovedDirectories)
                {
                    w.WriteStringValue(directory);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }

        var verb = report.DryRun ? "would delete" : "deleted";
        foreach (var entry in report.Deleted)
        {
            AnsiConsole.MarkupLine($"[green]{verb}[/] {Markup.Escape(entry.Path)} ({Markup.Escape(entry.Did ?? "-")}): {Markup.Escape(entry.Reason)}");
        }

        foreach (var directory in report.RemovedDirectories)
        {
            AnsiConsole.MarkupLine($"[green]{(report.DryRun ? "would remove" : "removed")}[/] empty folder {Markup.Escape(directory)}");
        }

        foreach (var entry in report.Kept)
        {
            AnsiConsole.MarkupLine($"[yellow]kept[/] {Markup.Escape(entry.Path)}: {Markup.Escape(entry.Reason)}");
        }

        AnsiConsole.MarkupLine($"[grey]{report.Deleted.Count} file(s) {verb}, {report.RemovedDirectories.Count} folder(s), {report.Kept.Count} kept.[/]");
    }

    private static void WriteEntries(System.Text.Json.Utf8JsonWriter w, string name, IReadOnlyList<CleanupEntry> entries)
    {
        w.WriteStartArray(name);
        foreach (var entry in entries)
        {
            w.WriteStartObject();
            w.WriteString("path", entry.Path);
            w.WriteString("did", entry.Did);
            w.WriteString("reason", entry.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
