using Microsoft.Extensions.Logging.Console;
using Rucio.DataLake.Core.Configuration;

namespace Rucio.JupyterLab.Server.Hosting;

/// <summary>
/// Logs go to stderr, one line each, so stdout carries only the "ready" line. Lines start with the console
/// formatter's level tag ("warn: ", "fail: ") and carry no timestamp: the bridge maps the tag to a Jupyter log level
/// and Jupyter adds its own time. Framework categories stay at warning unless debug is asked for.
/// </summary>
internal static class LoggingSetup
{
    public static void Configure(ILoggingBuilder logging, ConfiguredLogLevel level)
    {
        var minimum = ToLogLevel(level);
        logging.ClearProviders();
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.ColorBehavior = LoggerColorBehavior.Disabled;
            // Scopes carry the Jupyter user of the request ("=> user=alice").
            options.IncludeScopes = true;
        });
        logging.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(minimum);
        var framework = minimum <= LogLevel.Debug ? LogLevel.Information : LogLevel.Warning;
        logging.AddFilter("Microsoft", Max(framework, minimum));
        logging.AddFilter("System.Net.Http", Max(LogLevel.Warning, minimum));
    }

    public static LogLevel ToLogLevel(ConfiguredLogLevel level) => level switch
    {
        ConfiguredLogLevel.Debug => LogLevel.Debug,
        ConfiguredLogLevel.Info => LogLevel.Information,
        ConfiguredLogLevel.Warning => LogLevel.Warning,
        ConfiguredLogLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    private static LogLevel Max(LogLevel a, LogLevel b) => a > b ? a : b;
}
