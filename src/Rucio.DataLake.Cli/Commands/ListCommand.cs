using System.CommandLine;
using Rucio.Client;
using Spectre.Console;

namespace Rucio.DataLake.Cli.Commands;

/// <summary><c>datalake ls SCOPE:PATTERN</c>: a search streamed from Rucio, limited on the server.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var pattern = new Argument<string>("did") { Description = "SCOPE:PATTERN, where the pattern may use * wildcards (e.g. opendata:higgs*)." };
        var type = new Option<DidSearchType>("--type")
        {
            Description = "all, collection (datasets and containers), dataset, container or file.",
            DefaultValueFactory = _ => DidSearchType.All,
        };
        var limit = new Option<int>("--limit") { Description = "At most this many results (0 = no limit).", DefaultValueFactory = _ => 1000 };
        var command = new Command("ls", "Search data identifiers in a scope.") { pattern, type, limit };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, async (session, output, token) =>
        {
            if (!Did.TryParse(parse.GetValue(pattern), out var query))
            {
                throw new CliException(ExitCodes.UsageError, "Give the search as SCOPE:PATTERN, e.g. opendata:*.");
            }

            var options = new DidSearchOptions
            {
                Type = parse.GetValue(type),
                NamePattern = query.Name,
                Limit = parse.GetValue(limit) is > 0 and var n ? n : null,
            };
            var results = session.Client.Dids.SearchAsync(query.Scope, options, token);
            if (output.IsJson)
            {
                var rows = await results.ToListAsync(token);
                output.Json(w =>
                {
                    w.WriteStartArray();
                    foreach (var row in rows)
                    {
                        w.WriteStartObject();
                        w.WriteString("did", row.Did.ToString());
                        w.WriteString("type", row.Type?.ToString().ToLowerInvariant());
                        WriteNumber(w, "bytes", row.Bytes);
                        WriteNumber(w, "length", row.Length);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return;
            }

            var table = new Table().AddColumn("DID").AddColumn("Type").AddColumn(new TableColumn("Size").RightAligned());
            var count = 0;
            await foreach (var row in results)
            {
                count++;
                table.AddRow(Markup.Escape(row.Did.ToString()), (row.Type?.ToString() ?? "?").ToLowerInvariant(), Output.Size(row.Bytes));
            }

            Output.Table(table);
            AnsiConsole.MarkupLine(count == 0 ? "[yellow]No data identifiers match.[/]" : $"[grey]{count} result(s)[/]");
        }, ct));
        return command;
    }

    internal static void WriteNumber(System.Text.Json.Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
