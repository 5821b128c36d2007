using System.CommandLine;
using System.Text.Json;
using Rucio.Client;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Transfers;
using Spectre.Console;

namespace Rucio.DataLake.Cli;

/// <summary>Runs a command body with a session and turns every failure into a message and a named exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(ParseResult parse, Func<CliSession, Output, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        var output = new Output(parse.GetValue(GlobalOptions.Output));
        var verbose = parse.GetValue(GlobalOptions.Verbose);
        try
        {
            using var session = await CliSession.OpenAsync(parse, cancellationToken);
            await body(session, output, cancellationToken);
            return ExitCodes.Success;
        }
        catch (CliReportedException ex)
        {
            // The result (with each failure) is already printed; only the exit code and a summary remain.
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ex.ExitCode;
        }
        catch (CliException ex)
        {
            return output.Fail(ex.ExitCode, ex.Message, errorCode: null);
        }
        catch (TransferException ex)
        {
            return output.Fail(ExitCodes.For(ex.Failure), ex.Message, errorCode: ex.Failure.ToString());
        }
        catch (CredentialsUnavailableException ex)
        {
            return output.Fail(ExitCodes.AuthenticationError, ex.Message, errorCode: null);
        }
        catch (RucioException ex)
        {
            var code = ex.Status switch
            {
                0 => ExitCodes.ConnectionError,
                401 or 403 => ExitCodes.AuthenticationError,
                404 => ExitCodes.NotFound,
                _ => ExitCodes.RucioError,
            };
            var detail = verbose ? $" (HTTP {ex.Status})" : string.Empty;
            return output.Fail(code, ex.Message + detail, ex.ErrorCode);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return output.Fail(ExitCodes.Failure, "Cancelled.", errorCode: null);
        }
    }
}

/// <summary>Writes results as tables for people or as one JSON document for scripts.</summary>
internal sealed class Output(OutputFormat format)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    public bool IsJson => format == OutputFormat.Json;

    /// <summary>Writes a JSON document to stdout (json mode only).</summary>
    public void Json(Action<Utf8JsonWriter> write)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, WriterOptions))
        {
            write(writer);
        }

        stdout.WriteByte((byte)'\n');
    }

    public int Fail(int exitCode, string message, string? errorCode)
    {
        if (IsJson)
        {
            Json(w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("error");
                w.WriteString("message", message);
                w.WriteString("exception_class", errorCode);
                w.WriteNumber("exit_code", exitCode);
                w.WriteEndObject();
                w.WriteEndObject();
            });
        }

        var prefix = errorCode is null ? "error" : $"error ({errorCode})";
        Console.Error.WriteLine($"{prefix}: {message}");
        return exitCode;
    }

    public static void Table(Table table) => AnsiConsole.Write(table);

    public static string Size(long? bytes)
    {
        if (bytes is null)
        {
            return "-";
        }

        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes.Value;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : $"{value:0.##} {units[unit]}";
    }
}
