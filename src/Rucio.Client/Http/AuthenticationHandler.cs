using System.Net;

namespace Rucio.Client;

/// <summary>
/// Adds <c>X-Rucio-Auth-Token</c>, <c>X-Rucio-VO</c> and <c>X-Rucio-AppID</c>. When the server answers 401
/// <c>CannotAuthenticate</c> (expired or revoked token) it renews the token once and replays the request; a second
/// rejection is returned as is, so there is no loop.
/// </summary>
internal sealed class AuthenticationHandler(TokenProvider tokens, RucioClientOptions options) : DelegatingHandler
{
    internal const string TokenHeader = "X-Rucio-Auth-Token";

    /// <summary>Marks requests that must go out without a token (e.g. /ping).</summary>
    internal static readonly HttpRequestOptionsKey<bool> Anonymous = new("Rucio.Anonymous");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        AuthServerConnection.AddCommonHeaders(request, options);
        if (request.Options.TryGetValue(Anonymous, out var anonymous) && anonymous)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var token = await tokens.GetTokenAsync(cancellationToken);
        SetToken(request, token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !await IsTokenRejectionAsync(response, cancellationToken))
        {
            return response;
        }

        var renewed = await tokens.RenewAfterRejectionAsync(token, cancellationToken);
        if (renewed is null)
        {
            return response;
        }

        response.Dispose();
        SetToken(request, renewed);
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<bool> IsTokenRejectionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var guard = new TimeoutGuard(options.Timeout, options.TimeProvider, cancellationToken);
        guard.Restart();
        try
        {
            return await RucioErrors.IsCannotAuthenticateAsync(response, guard.Token);
        }
        catch (Exception ex) when (guard.TimedOut || ex is IOException or HttpRequestException)
        {
            // An unreadable 401 body is still a 401: report it rather than a secondary failure.
            return false;
        }
    }

    private static void SetToken(HttpRequestMessage request, RucioToken token)
    {
        request.Headers.Remove(TokenHeader);
        request.Headers.TryAddWithoutValidation(TokenHeader, token.Value);
    }
}
