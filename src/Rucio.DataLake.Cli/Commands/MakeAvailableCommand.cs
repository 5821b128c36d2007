using System.CommandLine;
using Rucio.Client;
using Spectre.Console;

namespace Rucio.DataLake.Cli.Commands;

/// <summary>
/// <c>datalake make-available DID [--no-wait] [--timeout SECONDS]</c>: the replica-mode rule to the instance's
/// <c>destination_rse</c> (reused when it exists), then a wait until it is OK with a progress bar over its locks.
/// </summary>
internal static class MakeAvailableCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var didArgument = new Argument<string>("did") { Description = "SCOPE:NAME of a file, dataset or container." };
        var noWait = new Option<bool>("--no-wait") { Description = "Create the rule and return without waiting." };
        var timeout = new Option<int>("--timeout") { Description = "Stop waiting after this many seconds (0 = wait until OK or STUCK).", DefaultValueFactory = _ => 0 };
        var command = new Command("make-available", "Replicate a DID to the instance's destination RSE and wait until it is there.") { didArgument, noWait, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, async (session, output, token) =>
        {
            if (!Did.TryParse(parse.GetValue(didArgument), out var did))
            {
                throw new CliException(ExitCodes.UsageError, "Give the DID as SCOPE:NAME.");
            }

            var rse = session.Instance.DestinationRse
                ?? throw new CliException(ExitCodes.ConfigurationError, $"Instance '{session.Instance.Name}' has no destination_rse (download mode?); use `datalake download`.");
            var ruleId = await AddOrReuseRuleAsync(session, did, rse, token);
            var rule = await session.Client.Rules.GetAsync(ruleId, token);
            if (!parse.GetValue(noWait))
            {
                rule = await WaitAsync(session, output, rule, parse.GetValue(timeout), token);
            }

            Write(output, session, did, rse, rule);
            if (!parse.GetValue(noWait) && rule.State != RuleState.Ok)
            {
                throw new CliReportedException(ExitCodes.NotCompleted, $"The rule {rule.Id} is {rule.State.ToString().ToUpperInvariant()}{(rule.Error is null ? string.Empty : ": " + rule.Error)}.");
            }
        }, ct));
        return command;
    }

    private static async Task<string> AddOrReuseRuleAsync(CliSession session, Did did, string rse, CancellationToken cancellationToken)
    {
        try
        {
            var lifetime = session.Instance.ReplicationRuleLifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            return (await session.Client.Rules.AddAsync(new RuleCreateOptions { Dids = [did], RseExpression = rse, Lifetime = lifetime }, cancellationToken))[0];
        }
        catch (RucioException ex) when (ex.Status == 409 && ex.ErrorCode == "DuplicateRule")
        {
            await foreach (var rule in session.Client.Dids.ListRulesAsync(did, cancellationToken))
            {
                if (rule.RseExpression == rse)
                {
                    return rule.Id;
                }
            }

            throw;
        }
    }

    private static async Task<ReplicationRule> WaitAsync(CliSession session, Output output, ReplicationRule rule, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var deadline = timeoutSeconds > 0 ? DateTimeOffset.UtcNow.AddSeconds(timeoutSeconds) : DateTimeOffset.MaxValue;
        async Task<ReplicationRule> PollAsync(Action<ReplicationRule>? onUpdate)
        {
            while (rule.State is not (RuleState.Ok or RuleState.Stuck or RuleState.Suspended) && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(PollInterval, cancellationToken);
                rule = await session.Client.Rules.GetAsync(rule.Id, cancellationToken);
                onUpdate?.Invoke(rule);
            }

            return rule;
        }

        if (output.IsJson)
        {
            return await PollAsync(null);
        }

        await AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Replicating {Markup.Escape(rule.Did.ToString())} to {Markup.Escape(rule.RseExpression ?? "?")}", maxValue: 1);
                void Show(ReplicationRule current)
                {
                    var total = current.LocksOkCount + current.LocksReplicatingCount + current.LocksStuckCount;
                    task.MaxValue = Math.Max(1, total);
                    task.Value = current.State == RuleState.Ok ? task.MaxValue : current.LocksOkCount;
                }

                Show(rule);
                await PollAsync(Show);
                task.StopTask();
            });
        return rule;
    }

    private static void Write(Output output, CliSession session, Did did, string rse, ReplicationRule rule)
    {
        var url = TransferDisplay.RuleUrl(session.Instance, rule.Id);
        if (output.IsJson)
        {
            output.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("did", did.ToString());
                w.WriteString("rse_expression", rse);
                w.WriteString("rule_id", rule.Id);
                w.WriteString("state", rule.State.ToString().ToUpperInvariant());
                w.WriteNumber("locks_ok", rule.LocksOkCount);
                w.WriteNumber("locks_replicating", rule.LocksReplicatingCount);
                w.WriteNumber("locks_stuck", rule.LocksStuckCount);
                w.WriteString("expires_at", rule.ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("webui_url", url);
                w.WriteEndObject();
            });
            return;
        }

        AnsiConsole.MarkupLine($"Rule [bold]{rule.Id}[/] for {Markup.Escape(did.ToString())} on {Markup.Escape(rse)}: {rule.State.ToString().ToUpperInvariant()} ({rule.LocksOkCount} ok, {rule.LocksReplicatingCount} replicating, {rule.LocksStuckCount} stuck)");
        if (url is not null)
        {
            AnsiConsole.WriteLine(url);
        }
    }
}
