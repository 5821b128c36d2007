namespace Rucio.Sandbox.Infrastructure;

/// <summary>Werkzeug's 404 page for unknown routes (no ExceptionClass header, as real Rucio).</summary>
internal static class FlaskNotFound
{
    private const string Body = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
        + "<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n";

    public static IResult Result() => RucioResults.Text(StatusCodes.Status404NotFound, "text/html; charset=utf-8", Body);

    public static Task WriteAsync(HttpContext context) => Result().ExecuteAsync(context);
}
