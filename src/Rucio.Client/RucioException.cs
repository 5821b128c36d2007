namespace Rucio.Client;

/// <summary>
/// Any failure reported by the Rucio server or met while talking to it. Caller cancellation is not a
/// <see cref="RucioException"/>: it surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class RucioException : Exception
{
    /// <summary>Client-side error code: the request or the body read did not finish in time.</summary>
    public const string TimeoutCode = "Timeout";

    /// <summary>Client-side error code: the server could not be reached or the connection broke.</summary>
    public const string ConnectionErrorCode = "ConnectionError";

    /// <summary>Client-side error code: the credential's token has expired (OIDC) and cannot be renewed here.</summary>
    public const string TokenExpiredCode = "TokenExpired";

    /// <summary>Client-side error code: the server answered something this client cannot understand.</summary>
    public const string InvalidResponseCode = "InvalidResponse";

    /// <summary>Client-side error code: a local credential (file, environment variable, key) is unusable.</summary>
    public const string InvalidCredentialCode = "InvalidCredential";

    public RucioException()
        : this("A Rucio request failed.")
    {
    }

    public RucioException(string message)
        : this(message, status: 0, errorCode: null)
    {
    }

    public RucioException(string message, Exception innerException)
        : this(message, status: 0, errorCode: null, innerException)
    {
    }

    public RucioException(string message, int status, string? errorCode, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP status code, or 0 when no response was received.</summary>
    public int Status { get; }

    /// <summary>
    /// Rucio's <c>ExceptionClass</c> (for example <c>DataIdentifierNotFound</c>), or one of the client-side codes
    /// (<see cref="TimeoutCode"/>, <see cref="ConnectionErrorCode"/>, <see cref="TokenExpiredCode"/>,
    /// <see cref="InvalidResponseCode"/>, <see cref="InvalidCredentialCode"/>); null when the server gave none.
    /// </summary>
    public string? ErrorCode { get; }
}
