using System.Text.Json.Serialization;

namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>
/// The error body of every route: <c>{"success":false,"error":…,"exception_class":…,"exception_message":…}</c>,
/// the shape the existing frontend's <c>ResponseError</c> reads.
/// </summary>
internal sealed record ApiErrorBody(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("exception_class")] string? ExceptionClass = null,
    [property: JsonPropertyName("exception_message")] string? ExceptionMessage = null)
{
    [JsonPropertyName("success")]
    [JsonPropertyOrder(-1)]
    public bool Success => false;
}

/// <summary>Thrown by handlers (and parameter binders) to answer with an error body and a status.</summary>
internal sealed class ApiProblemException(int status, string error, string? exceptionClass = null, string? exceptionMessage = null)
    : Exception(error)
{
    public int Status { get; } = status;

    public ApiErrorBody Body { get; } = new(error, exceptionClass, exceptionMessage);

    public static ApiProblemException BadRequest(string error) => new(StatusCodes.Status400BadRequest, error);

    public static ApiProblemException NotFound(string error) => new(StatusCodes.Status404NotFound, error);
}
