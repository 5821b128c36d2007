using System.Text;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>The response shapes of the Rucio REST server (see the transcripts for each of them).</summary>
internal static class RucioResults
{
    public const string JsonStream = "application/x-json-stream";
    public const string Json = "application/json";
    private const string Html = "text/html; charset=utf-8";

    /// <summary>201 with the literal body "Created" (Flask's <c>Response("Created", status=201)</c>).</summary>
    public static IResult Created() => new TextResult(StatusCodes.Status201Created, Html, "Created");

    /// <summary>200 with an empty text/html body, as PUT/DELETE answer.</summary>
    public static IResult EmptyOk() => new TextResult(StatusCodes.Status200OK, Html, string.Empty);

    /// <summary>201 whose body is JSON but labelled text/html, as <c>POST /rules/</c> answers.</summary>
    public static IResult CreatedJsonAsHtml(object value) => new TextResult(StatusCodes.Status201Created, Html, PyJson.Dumps(value));

    /// <summary>One JSON object with json.dumps formatting.</summary>
    public static IResult Object(HttpContext context, object value)
    {
        AcceptGuard.Require(context, Json);
        return new TextResult(StatusCodes.Status200OK, Json, PyJson.Dumps(value));
    }

    /// <summary>One JSON value with Flask jsonify formatting (compact, sorted keys, trailing newline).</summary>
    public static IResult Jsonify(HttpContext context, object value)
    {
        AcceptGuard.Require(context, Json);
        return new TextResult(StatusCodes.Status200OK, Json, PyJson.Jsonify(value));
    }

    /// <summary>An NDJSON stream; the Accept header is checked before anything is read.</summary>
    public static IResult Stream(HttpContext context, IAsyncEnumerable<object?> rows)
    {
        AcceptGuard.Require(context, JsonStream);
        return new NdjsonResult(rows);
    }

    public static IResult Text(int status, string contentType, string body) => new TextResult(status, contentType, body);

    private sealed class TextResult(int status, string contentType, string body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = contentType;
            httpContext.Response.ContentLength = bytes.Length;
            await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}
