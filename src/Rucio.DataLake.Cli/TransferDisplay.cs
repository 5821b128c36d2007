using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Transfers;
using Spectre.Console;

namespace Rucio.DataLake.Cli;

/// <summary>Spectre progress bars for transfers (text mode only: JSON output stays one clean document).</summary>
internal static class TransferDisplay
{
    public static async Task<T> RunAsync<T>(Output output, string description, Func<IProgress<TransferProgress>?, Task<T>> work)
    {
        if (output.IsJson)
        {
            return await work(null);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), autoStart: true, maxValue: 1);
                result = await work(new BarProgress(task));
                task.Value = task.MaxValue;
                task.StopTask();
            });
        return result;
    }

    /// <summary>The Web UI page of a rule, when the instance has <c>rucio_webui_url</c>.</summary>
    public static string? RuleUrl(InstanceConfig instance, string? ruleId) =>
        instance.WebUiUrl is { } webUi && ruleId is not null ? $"{webUi.AbsoluteUri.TrimEnd('/')}/rule?rule_id={ruleId}" : null;

    /// <summary>Updates the bar directly (not through <see cref="Progress{T}"/>, which would post to a context that does not exist here).</summary>
    private sealed class BarProgress(ProgressTask task) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value)
        {
            task.MaxValue = Math.Max(1, value.BytesTotal);
            task.Value = Math.Min(value.BytesDone, task.MaxValue);
        }
    }
}
