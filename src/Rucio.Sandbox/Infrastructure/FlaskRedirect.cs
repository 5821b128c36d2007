using System.Net;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>Werkzeug's redirect responses (308 for the strict-slash rule, 303 for whoami), byte for byte.</summary>
internal static class FlaskRedirect
{
    /// <summary>308 to the same URL with the given path (absolute Location, query string kept).</summary>
    public static IResult Permanent(HttpContext context, string path)
    {
        var request = context.Request;
        var location = $"{request.Scheme}://{request.Host}{request.PathBase}{path}{request.QueryString}";
        return Redirect(StatusCodes.Status308PermanentRedirect, location);
    }

    /// <summary>
    /// Flask redirects GET /rses to /rses/ during routing, before authentication. ASP.NET routing ignores
    /// trailing slashes, so the distinction is made here, ahead of routing.
    /// </summary>
    public static Task StrictSlashAsync(HttpContext context, RequestDelegate next)
        => HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value == "/rses"
            ? Permanent(context, "/rses/").ExecuteAsync(context)
            : next(context);

    public static IResult Redirect(int status, string location)
        => new RedirectResult(status, location);

    private sealed class RedirectResult(int status, string location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var escaped = WebUtility.HtmlEncode(location);
            var body = "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
                + $"<p>You should be redirected automatically to the target URL: <a href=\"{escaped}\">{escaped}</a>. If not, click the link.\n";
            httpContext.Response.Headers.Location = location;
            await RucioResults.Text(status, "text/html; charset=utf-8", body).ExecuteAsync(httpContext);
        }
    }
}
