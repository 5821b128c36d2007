using Rucio.Client;

namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>
/// Maps a failed Rucio call to the status and sentence the panel shows. Rucio's own class and message are passed
/// through as <c>exception_class</c>/<c>exception_message</c>. Transport failures become 502/504 so the panel can
/// tell "Rucio is down" from "your request is wrong".
/// </summary>
internal static class RucioErrorMapping
{
    public static ApiProblemException ToProblem(RucioException exception, string instanceDisplayName, Uri server, string action)
    {
        var host = server.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
        var (status, sentence) = exception.ErrorCode switch
        {
            RucioException.ConnectionErrorCode => (StatusCodes.Status502BadGateway,
                $"Cannot reach the Rucio server of '{instanceDisplayName}' ({host}) while trying to {action}. It may be down or unreachable from this server; try again in a moment."),
            RucioException.TimeoutCode => (StatusCodes.Status504GatewayTimeout,
                $"The Rucio server of '{instanceDisplayName}' ({host}) did not answer in time while trying to {action}. Try again in a moment."),
            RucioException.TokenExpiredCode => (StatusCodes.Status401Unauthorized,
                $"Your OpenID Connect token for '{instanceDisplayName}' has expired. Log in to JupyterHub again (or restart your server) to get a fresh one."),
            RucioException.InvalidCredentialCode => (StatusCodes.Status401Unauthorized,
                $"The credentials for '{instanceDisplayName}' cannot be used: {exception.Message}"),
            RucioException.InvalidResponseCode => (StatusCodes.Status502BadGateway,
                $"The Rucio server of '{instanceDisplayName}' ({host}) gave an answer this backend cannot read while trying to {action}."),
            _ => FromStatus(exception, instanceDisplayName, action),
        };
        return new ApiProblemException(status, sentence, exception.ErrorCode, exception.Message);
    }

    private static (int, string) FromStatus(RucioException exception, string instanceDisplayName, string action) => exception.Status switch
    {
        StatusCodes.Status401Unauthorized => (StatusCodes.Status401Unauthorized,
            $"Rucio ('{instanceDisplayName}') did not accept your credentials: {exception.Message}"),
        StatusCodes.Status503ServiceUnavailable => (StatusCodes.Status503ServiceUnavailable,
            $"The Rucio server of '{instanceDisplayName}' is temporarily unavailable. Try again in a moment."),
        >= 500 => (StatusCodes.Status502BadGateway,
            $"The Rucio server of '{instanceDisplayName}' failed to {action}: {exception.Message}"),
        >= 400 => (exception.Status, $"Rucio refused to {action}: {exception.Message}"),
        _ => (StatusCodes.Status502BadGateway, $"Rucio ('{instanceDisplayName}') failed to {action}: {exception.Message}"),
    };
}
