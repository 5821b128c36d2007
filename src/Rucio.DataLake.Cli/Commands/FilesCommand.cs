using System.CommandLine;
using Rucio.Client;
using Spectre.Console;

namespace Rucio.DataLake.Cli.Commands;

/// <summary>
/// <c>datalake files DID</c>: the files of a DID with their replicas. Two streamed listings (files, then replicas
/// in every state), joined in memory by name; nothing is asked per file.
/// </summary>
internal static class FilesCommand
{
    public static Command Create()
    {
        var didArgument = new Argument<string>("did") { Description = "SCOPE:NAME of a file, dataset or container." };
        var rse = new Option<string?>("--rse") { Description = "Only replicas on RSEs matching this expression." };
        var command = new Command("files", "List the files of a DID and where their replicas are.") { didArgument, rse };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, async (session, output, token) =>
        {
            if (!Did.TryParse(parse.GetValue(didArgument), out var did))
            {
                throw new CliException(ExitCodes.UsageError, "Give the DID as SCOPE:NAME.");
            }

            var files = await session.Client.Dids.ListFilesAsync(did, cancellationToken: token).ToListAsync(token);
            var replicas = new Dictionary<Did, Replica>();
            await foreach (var replica in session.Client.Replicas.ListAsync(
                new ReplicaListRequest { Dids = [did], AllStates = true, RseExpression = parse.GetValue(rse) }, token))
            {
                replicas[new Did(replica.Scope, replica.Name)] = replica;
            }

            if (output.IsJson)
            {
                WriteJson(output, files, replicas);
                return;
            }

            var table = new Table().AddColumn("File").AddColumn(new TableColumn("Size").RightAligned()).AddColumn("adler32").AddColumn("Replicas");
            foreach (var file in files)
            {
                table.AddRow(Markup.Escape(file.Did.ToString()), Output.Size(file.Bytes), file.Adler32 ?? "-", Markup.Escape(Describe(replicas.GetValueOrDefault(file.Did))));
            }

            Output.Table(table);
            AnsiConsole.MarkupLine($"[grey]{files.Count} file(s), {Output.Size(files.Sum(f => f.Bytes ?? 0))}[/]");
        }, ct));
        return command;
    }

    private static string Describe(Replica? replica)
    {
        if (replica is null || replica.States.Count == 0)
        {
            return "none";
        }

        return string.Join(", ", replica.States.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} ({s.Value.ToString().ToUpperInvariant()})"));
    }

    private static void WriteJson(Output output, List<DidFile> files, Dictionary<Did, Replica> replicas) => output.Json(w =>
    {
        w.WriteStartArray();
        foreach (var file in files)
        {
            w.WriteStartObject();
            w.WriteString("did", file.Did.ToString());
            ListCommand.WriteNumber(w, "bytes", file.Bytes);
            w.WriteString("adler32", file.Adler32);
            w.WriteStartArray("replicas");
            if (replicas.TryGetValue(file.Did, out var replica))
            {
                foreach (var (rse, state) in replica.States.OrderBy(s => s.Key, StringComparer.Ordinal))
                {
                    w.WriteStartObject();
                    w.WriteString("rse", rse);
                    w.WriteString("state", state.ToString().ToUpperInvariant());
                    w.WriteStartArray("pfns");
                    foreach (var pfn in replica.Rses.GetValueOrDefault(rse) ?? [])
                    {
                        w.WriteStringValue(pfn);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });
}
