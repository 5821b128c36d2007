using System.CommandLine;
using Spectre.Console;

namespace Rucio.DataLake.Cli.Commands;

/// <summary><c>datalake whoami</c>: the account Rucio sees for these credentials.</summary>
internal static class WhoAmICommand
{
    public static Command Create()
    {
        var command = new Command("whoami", "Show the Rucio account these credentials map to.");
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, async (session, output, token) =>
        {
            var account = await session.Client.Accounts.WhoAmIAsync(token);
            if (output.IsJson)
            {
                output.Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("instance", session.Instance.Name);
                    w.WriteString("account", account.Account);
                    w.WriteString("account_type", account.AccountType);
                    w.WriteString("status", account.Status);
                    w.WriteString("email", account.Email);
                    w.WriteEndObject();
                });
                return;
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[grey]instance[/]", Markup.Escape($"{session.Instance.DisplayName} ({session.Instance.BaseUrl})"));
            grid.AddRow("[grey]account[/]", Markup.Escape(account.Account ?? "?"));
            grid.AddRow("[grey]type[/]", Markup.Escape(account.AccountType ?? "?"));
            grid.AddRow("[grey]status[/]", Markup.Escape(account.Status ?? "?"));
            grid.AddRow("[grey]email[/]", Markup.Escape(account.Email ?? "-"));
            AnsiConsole.Write(grid);
        }, ct));
        return command;
    }
}
