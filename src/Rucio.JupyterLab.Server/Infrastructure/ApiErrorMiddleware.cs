using Rucio.DataLake.Core.Clients;

namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>
/// Renders <see cref="ApiProblemException"/> and unexpected failures as the JSON error body. An unexpected failure
/// is logged with its stack trace but answered with a generic sentence: exception texts may contain paths or data.
/// </summary>
internal sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (ApiProblemException problem)
        {
            await WriteAsync(context, problem.Status, problem.Body);
        }
        catch (CredentialsUnavailableException ex)
        {
            await WriteAsync(context, StatusCodes.Status401Unauthorized, new ApiErrorBody(ex.Message, "CredentialsUnavailable"));
        }
        catch (BadHttpRequestException ex)
        {
            await WriteAsync(context, ex.StatusCode, new ApiErrorBody($"Malformed request: {ex.Message}"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is nobody to answer.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteAsync(context, StatusCodes.Status500InternalServerError,
                new ApiErrorBody("Internal error in the Rucio JupyterLab backend; details are in the server log.", ex.GetType().Name));
        }
    }

    private async Task WriteAsync(HttpContext context, int status, ApiErrorBody body)
    {
        if (context.Response.HasStarted)
        {
            // Part of a streamed body is already out: cutting the connection is the only way to say it is incomplete.
            logger.LogWarning("Aborting a partly sent response to {Path}: {Error}", context.Request.Path, body.Error);
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }
}
