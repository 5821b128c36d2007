using System.CommandLine;
using System.CommandLine.Help;
using Rucio.DataLake.Cli;
using Rucio.DataLake.Cli.Commands;

// A plain command named like the installed tool: a RootCommand takes its name from the assembly (Rucio.DataLake.Cli),
// which is not what people type. Help and version are what RootCommand would add.
var root = new Command("datalake", "Rucio for the data lake: the JupyterLab extension's instances and credentials, from a terminal.")
{
    new HelpOption(),
    new VersionOption(),
};
GlobalOptions.AddTo(root);
root.Subcommands.Add(WhoAmICommand.Create());
root.Subcommands.Add(ListCommand.Create());
root.Subcommands.Add(FilesCommand.Create());
root.Subcommands.Add(UploadCommand.Create());
root.Subcommands.Add(CleanupCommand.Create());
root.Subcommands.Add(DownloadCommand.Create());
root.Subcommands.Add(MakeAvailableCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is null)
{
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync(error.Message);
    }

    return ExitCodes.UsageError;
}

return await parsed.InvokeAsync();
