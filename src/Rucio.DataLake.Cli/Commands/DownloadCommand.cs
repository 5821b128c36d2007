using System.CommandLine;
using Rucio.Client;
using Rucio.DataLake.Core.Transfers;
using Spectre.Console;

namespace Rucio.DataLake.Cli.Commands;

/// <summary>
/// <c>datalake download DID [--dir DIR]</c>: every file of the DID into <c>DIR/scope/name</c> (default
/// <c>~/rucio/&lt;instance&gt;</c>, the extension's download layout), in parallel, verified, resumable.
/// </summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var didArgument = new Argument<string>("did") { Description = "SCOPE:NAME of a file, dataset or container." };
        var dir = new Option<string?>("--dir") { Description = "Destination root; files go to DIR/scope/name. Default: ~/rucio/<instance>." };
        var command = new Command("download", "Download the files of a DID, verified against Rucio's checksums.") { didArgument, dir };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, async (session, output, token) =>
        {
            if (!Did.TryParse(parse.GetValue(didArgument), out var did))
            {
                throw new CliException(ExitCodes.UsageError, "Give the DID as SCOPE:NAME.");
            }

            var options = new DownloadOptions
            {
                DestinationRoot = Path.GetFullPath(parse.GetValue(dir) ?? CliPaths.DownloadRoot(session.Instance.Name)),
                SiteName = session.Instance.SiteName,
                XCacheUrl = session.Instance.XCacheUrl,
                PreferredRseExpression = session.Instance.DestinationRse,
            };
            using var storage = await session.OpenStorageAsync(token);
            var engine = new DownloadEngine(session.Client, storage);
            var files = await TransferDisplay.RunAsync(output, $"Downloading {did}", progress => engine.DownloadAsync(did, options, progress, token));
            Write(output, files);

            var failed = files.FirstOrDefault(f => f.Outcome == DownloadOutcome.Failed);
            if (failed is not null)
            {
                throw new CliReportedException(ExitCodes.For(failed.Failure ?? TransferFailure.StorageError),
                    $"{files.Count(f => f.Outcome == DownloadOutcome.Failed)} of {files.Count} file(s) failed.");
            }
        }, ct));
        return command;
    }

    private static void Write(Output output, IReadOnlyList<DownloadedFile> files)
    {
        if (output.IsJson)
        {
            output.Json(w =>
            {
                w.WriteStartArray();
                foreach (var file in files)
                {
                    w.WriteStartObject();
                    w.WriteString("did", file.Did.ToString());
                    w.WriteString("path", file.Path);
                    ListCommand.WriteNumber(w, "bytes", file.Bytes);
                    w.WriteString("status", file.Outcome switch
                    {
                        DownloadOutcome.Downloaded => "downloaded",
                        DownloadOutcome.AlreadyPresent => "already_present",
                        _ => "failed",
                    });
                    w.WriteString("rse", file.Rse);
                    w.WriteString("error", file.Error);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
            return;
        }

        var table = new Table().AddColumn("DID").AddColumn("Status").AddColumn("Path");
        foreach (var file in files)
        {
            var status = file.Outcome switch
            {
                DownloadOutcome.Downloaded => $"[green]downloaded[/] ({Markup.Escape(file.Rse ?? "?")})",
                DownloadOutcome.AlreadyPresent => "[grey]already present[/]",
                _ => "[red]failed[/]",
            };
            table.AddRow(Markup.Escape(file.Did.ToString()), status, Markup.Escape(file.Path));
        }

        Output.Table(table);
        foreach (var file in files.Where(f => f.Outcome == DownloadOutcome.Failed))
        {
            Console.Error.WriteLine($"failed {file.Did}: {file.Error}");
        }
    }
}
