using System.Text;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>Renders <see cref="RucioException"/> and <see cref="PlainTextFailure"/> exactly like the Flask server.</summary>
internal sealed partial class RucioErrorMiddleware(RequestDelegate next, ILogger<RucioErrorMiddleware> logger)
{
    /// <summary>Rucio cuts the header copy of the message to this many characters and appends "...".</summary>
    private const int HeaderMessageLimit = 125;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (RucioException ex) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context.Response, ex.StatusCode, ex.ExceptionClass, ex.Message);
        }
        catch (PlainTextFailure ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await RucioResults.Text(ex.StatusCode, "text/html; charset=utf-8", ex.Message).ExecuteAsync(context);
        }
        catch (Exception ex) when (IsClientGone(context, ex))
        {
            // The client went away mid-stream; nothing left to answer.
        }
        catch (Exception ex) when (context.Response.HasStarted)
        {
            // A failure in the middle of a streamed body: abort so the client sees a truncated stream, never a
            // shorter but well-formed list.
            LogStreamAborted(logger, context.Request.Path, ex);
            context.Abort();
        }
    }

    public static async Task WriteErrorAsync(HttpResponse response, int status, string exceptionClass, string message)
    {
        response.Clear();
        response.StatusCode = status;
        response.ContentType = "application/octet-stream";
        response.Headers["ExceptionClass"] = exceptionClass;
        response.Headers["ExceptionMessage"] = HeaderCopy(message);
        var body = PyJson.Dumps(new PyDict { { "ExceptionClass", exceptionClass }, { "ExceptionMessage", message } });
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    /// <summary>The header form of a message: newlines become spaces, long messages are cut (as Rucio does).</summary>
    internal static string HeaderCopy(string message)
    {
        var flat = message.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        if (flat.Length > HeaderMessageLimit)
        {
            flat = flat[..HeaderMessageLimit] + "...";
        }

        // HTTP header values must be ASCII; Kestrel refuses anything else.
        var builder = new StringBuilder(flat.Length);
        foreach (var c in flat)
        {
            builder.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return builder.ToString();
    }

    private static bool IsClientGone(HttpContext context, Exception ex)
        => context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Aborted a streamed response to {Path}")]
    private static partial void LogStreamAborted(ILogger logger, PathString path, Exception exception);
}
