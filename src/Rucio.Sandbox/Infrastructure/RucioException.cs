namespace Rucio.Sandbox.Infrastructure;

/// <summary>
/// An error Rucio reports with <c>ExceptionClass</c>/<c>ExceptionMessage</c> headers and a JSON body.
/// Thrown anywhere in request handling and rendered by <see cref="RucioErrorMiddleware"/>.
/// </summary>
internal sealed class RucioException(int statusCode, string exceptionClass, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string ExceptionClass { get; } = exceptionClass;

    public static RucioException CannotAuthenticate(string message = "Cannot authenticate with given credentials")
        => new(StatusCodes.Status401Unauthorized, "CannotAuthenticate", message);

    public static RucioException AccessDenied(string message, int status = StatusCodes.Status401Unauthorized)
        => new(status, "AccessDenied", message);

    public static RucioException DidNotFound(string scope, string name)
        => new(StatusCodes.Status404NotFound, "DataIdentifierNotFound", $"Data identifier '{scope}:{name}' not found");

    public static RucioException RseNotFound(string rse)
        => new(StatusCodes.Status404NotFound, "RSENotFound", $"RSE '{rse}' cannot be found in vo 'def'");

    public static RucioException AccountNotFound(string account)
        => new(StatusCodes.Status404NotFound, "AccountNotFound", $"Account with ID '{account}' cannot be found");

    public static RucioException InvalidObject(string message)
        => new(StatusCodes.Status400BadRequest, "InvalidObject", message);

    public static RucioException KeyError(string key)
        => new(StatusCodes.Status400BadRequest, "KeyError", $"'{key}' not defined");

    public static RucioException ValueError(string message)
        => new(StatusCodes.Status400BadRequest, "ValueError", message);
}

/// <summary>
/// A failure real Rucio answers with a bare <c>text/html</c> body and no ExceptionClass (unhandled Python errors
/// such as the DID search without <c>type=</c>). Reproduced because clients must cope with it.
/// </summary>
internal sealed class PlainTextFailure(int statusCode, string body) : Exception(body)
{
    public int StatusCode { get; } = statusCode;
}
