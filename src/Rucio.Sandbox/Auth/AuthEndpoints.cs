using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Tls;

namespace Rucio.Sandbox.Auth;

/// <summary>/auth/* (Rucio's token service) and /oidc/* (the Sandbox's own tiny OIDC provider).</summary>
internal static class AuthEndpoints
{
    public static void MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/auth/userpass", UserpassAsync);
        app.MapGet("/auth/validate", ValidateAsync);
        app.MapGet("/auth/x509", X509Async);
        app.MapGet("/auth/x509_proxy", X509Async);
        app.MapPost("/oidc/token", OidcTokenAsync).DisableAntiforgery();
        app.MapGet("/oidc/jwks", (JwtSigner jwt) => RucioResults.Text(StatusCodes.Status200OK, RucioResults.Json, PyJson.Dumps(jwt.Jwks())));
        app.MapGet("/.well-known/openid-configuration", (HttpContext context) =>
        {
            var issuer = IssuerUrl(context);
            var document = new PyDict
            {
                { "issuer", issuer },
                { "token_endpoint", issuer + "/token" },
                { "jwks_uri", issuer + "/jwks" },
                { "grant_types_supported", new[] { "password", TokenExchangeGrant } },
                { "id_token_signing_alg_values_supported", new[] { "RS256" } },
            };
            return RucioResults.Text(StatusCodes.Status200OK, RucioResults.Json, PyJson.Dumps(document));
        });
    }

    private const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";

    private static async Task<IResult> UserpassAsync(HttpContext context, TokenService tokens)
    {
        var headers = context.Request.Headers;
        var issued = await tokens.AuthenticateUserpassAsync(
            NullIfEmpty(headers["X-Rucio-Account"]),
            NullIfEmpty(headers["X-Rucio-Username"]),
            NullIfEmpty(headers["X-Rucio-Password"]),
            NullIfEmpty(headers["X-Rucio-AppID"]),
            context.RequestAborted);
        return TokenResponse(context, issued);
    }

    private static async Task<IResult> X509Async(HttpContext context, TokenService tokens)
    {
        // The chain the TLS layer verified (Tls/OpenSslTlsMiddleware); absent over plain HTTP or without a certificate.
        var dn = ClientDistinguishedName.Of(context.Features.Get<VerifiedClientChain>()?.Certificates)
            ?? throw RucioException.CannotAuthenticate("Cannot get DN");
        var headers = context.Request.Headers;
        var issued = await tokens.AuthenticateX509Async(NullIfEmpty(headers["X-Rucio-Account"]), dn, NullIfEmpty(headers["X-Rucio-AppID"]), context.RequestAborted);
        return TokenResponse(context, issued);
    }

    private static async Task<IResult> ValidateAsync(HttpContext context, TokenService tokens)
    {
        var issuer = await tokens.ValidateAsync(RequireTokenFilter.ReadToken(context.Request), context.RequestAborted)
            ?? throw RucioException.CannotAuthenticate();
        var body = PythonRepr.Dict(
        [
            ("account", issuer.Account),
            ("identity", issuer.Identity),
            ("lifetime", issuer.ExpiresAt),
            ("audience", issuer.Audience),
            ("authz_scope", issuer.AuthzScope),
            ("vo", "def"),
        ]);
        return RucioResults.Text(StatusCodes.Status200OK, "application/octet-stream", body);
    }

    private static async Task<IResult> OidcTokenAsync(HttpContext context, TokenService tokens, SandboxOptions options)
    {
        if (!context.Request.HasFormContentType)
        {
            return OAuthError("invalid_request", "the token endpoint expects application/x-www-form-urlencoded");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var audience = NullIfEmpty(form["audience"]);
        var scope = NullIfEmpty(form["scope"]);
        var issuerUrl = IssuerUrl(context);
        string? token;
        switch (form["grant_type"].ToString())
        {
            case "password":
                var username = form["username"].ToString();
                var password = form["password"].ToString();
                if (username.Length == 0 || password.Length == 0)
                {
                    return OAuthError("invalid_request", "username and password are required");
                }

                token = await tokens.IssueJwtForPasswordAsync(username, password, issuerUrl, audience, scope, context.RequestAborted);
                break;
            case TokenExchangeGrant:
                var subjectToken = form["subject_token"].ToString();
                if (subjectToken.Length == 0)
                {
                    return OAuthError("invalid_request", "subject_token is required");
                }

                token = tokens.ExchangeJwt(subjectToken, issuerUrl, audience, scope);
                break;
            default:
                return OAuthError("unsupported_grant_type", "supported: password, " + TokenExchangeGrant);
        }

        if (token is null)
        {
            return OAuthError("invalid_grant", "the credentials or the subject token are not valid");
        }

        var answer = new PyDict
        {
            { "access_token", token },
            { "token_type", "Bearer" },
            { "expires_in", (long)options.TokenLifetime.TotalSeconds },
            { "issued_token_type", "urn:ietf:params:oauth:token-type:access_token" },
        };
        context.Response.Headers.CacheControl = "no-store";
        return RucioResults.Text(StatusCodes.Status200OK, RucioResults.Json, PyJson.Dumps(answer));
    }

    private static IResult TokenResponse(HttpContext context, IssuedToken issued)
    {
        var headers = context.Response.Headers;
        headers["X-Rucio-Auth-Account"] = issued.Account;
        headers["X-Rucio-Auth-Token"] = issued.Token;
        headers["X-Rucio-Auth-Token-Expires"] = RucioTime.Rfc1123(issued.ExpiresAt);
        return RucioResults.Text(StatusCodes.Status200OK, "application/octet-stream", string.Empty);
    }

    private static IResult OAuthError(string error, string description)
        => RucioResults.Text(
            StatusCodes.Status400BadRequest,
            RucioResults.Json,
            PyJson.Dumps(new PyDict { { "error", error }, { "error_description", description } }));

    private static string IssuerUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}/oidc";

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value)
        => string.IsNullOrEmpty(value.ToString()) ? null : value.ToString();
}
