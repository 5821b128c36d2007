using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Transfers;
using Spectre.Console;

namespace Rucio.DataLake.Cli.Commands;

/// <summary>The upload result: the DID / Rule ID / WebUI URL table of seed 003, or one JSON document.</summary>
internal static class UploadOutput
{
    public static void Write(Output output, InstanceConfig instance, UploadReport report, IReadOnlyDictionary<string, LocalFate> fates, int lifetimeDays, bool delayed)
    {
        if (output.IsJson)
        {
            WriteJson(output, instance, report, fates, lifetimeDays, delayed);
            return;
        }

        var succeeded = report.Files.Where(f => f.Succeeded).ToList();
        if (report.Dataset is { } dataset && report.DatasetRuleId is not null)
        {
            AnsiConsole.WriteLine($"Successfully added replication rule for {dataset}");
        }

        foreach (var file in succeeded.Where(f => f.RuleId is not null))
        {
            AnsiConsole.WriteLine($"Successfully added replication rule for {file.Item.Did}");
        }

        if (succeeded.Count > 0)
        {
            var table = new Table().AddColumn("DID").AddColumn("Rule ID").AddColumn("WebUI URL");
            foreach (var file in succeeded)
            {
                var ruleId = file.RuleId ?? report.DatasetRuleId;
                table.AddRow(Markup.Escape(file.Item.Did.ToString()), ruleId ?? "-", Markup.Escape(TransferDisplay.RuleUrl(instance, ruleId) ?? "-"));
            }

            Output.Table(table);
        }

        foreach (var (path, fate) in fates.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var colour = fate.State == "deleted" ? "green" : "grey";
            AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(fate.State)}[/] {Markup.Escape(path)}: {Markup.Escape(fate.Reason)}");
        }

        foreach (var file in report.Files.Where(f => !f.Succeeded))
        {
            Console.Error.WriteLine($"failed {file.Item.LocalPath} ({file.Item.Did}): {file.Error}");
        }
    }

    private static void WriteJson(Output output, InstanceConfig instance, UploadReport report, IReadOnlyDictionary<string, LocalFate> fates, int lifetimeDays, bool delayed) => output.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("instance", instance.Name);
        w.WriteString("rse_expression", report.RuleRseExpression);
        w.WriteNumber("lifetime_days", lifetimeDays);
        w.WriteBoolean("delay_deletion", delayed);
        w.WriteString("dataset", report.Dataset?.ToString());
        w.WriteString("dataset_rule_id", report.DatasetRuleId);
        w.WriteNumber("uploaded", report.Files.Count(f => f.Succeeded));
        w.WriteNumber("failed", report.Files.Count(f => !f.Succeeded));
        w.WriteStartArray("files");
        foreach (var file in report.Files)
        {
            var ruleId = file.RuleId ?? report.DatasetRuleId;
            w.WriteStartObject();
            w.WriteString("did", file.Item.Did.ToString());
            w.WriteString("path", file.Item.LocalPath);
            w.WriteBoolean("success", file.Succeeded);
            w.WriteNumber("bytes", file.Bytes);
            w.WriteString("adler32", file.Adler32);
            w.WriteString("rse", file.Rse);
            w.WriteString("pfn", file.Pfn);
            w.WriteString("placement", file.Placement switch
            {
                UploadPlacement.Copied => "copied",
                UploadPlacement.LinkedOnStorage => "linked",
                UploadPlacement.RegisteredInPlace => "in_place",
                UploadPlacement.AlreadyRegistered => "already_registered",
                _ => null,
            });
            w.WriteString("rule_id", file.Succeeded ? ruleId : null);
            w.WriteString("webui_url", file.Succeeded ? TransferDisplay.RuleUrl(instance, ruleId) : null);
            w.WriteString("error", file.Error);
            if (fates.TryGetValue(file.Item.LocalPath, out var fate))
            {
                w.WriteString("local_copy", fate.State);
                w.WriteString("local_copy_reason", fate.Reason);
            }
            else
            {
                w.WriteNull("local_copy");
                w.WriteNull("local_copy_reason");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
