using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Auth;

/// <summary>
/// Authenticates every protected endpoint from <c>X-Rucio-Auth-Token</c> (or <c>Authorization: Bearer</c>, which
/// the storage endpoints need for plain HTTP tools). A missing or bad token is 401 CannotAuthenticate.
/// </summary>
internal sealed class RequireTokenFilter(TokenService tokens) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var issuer = await tokens.ValidateAsync(ReadToken(http.Request), http.RequestAborted)
            ?? throw RucioException.CannotAuthenticate();
        http.SetIssuer(issuer);
        return await next(context);
    }

    public static string? ReadToken(HttpRequest request)
    {
        var token = request.Headers["X-Rucio-Auth-Token"].ToString();
        if (!string.IsNullOrEmpty(token))
        {
            return token;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }
}
