using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rucio.Client;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.State;
using Rucio.JupyterLab.Server.Features.Instances;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Auth;

/// <summary>
/// <c>GET auth</c> returns the saved parameters without any secret (it says whether a password is set);
/// <c>PUT auth</c> tests the credentials against Rucio and saves them only when the test succeeds (the existing
/// extension saved them even after a failed test); <c>GET oidc-auth-check</c> validates the OIDC token.
/// These routes are outside the credential gate: they are how credentials get there.
/// </summary>
internal static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuth(this RouteGroupBuilder api)
    {
        api.MapGet("/auth", GetAsync);
        api.MapPut("/auth", PutAsync);
        api.MapGet("/oidc-auth-check", CheckOidcAsync);
        return api;
    }

    private static async Task<IResult> GetAsync(
        HttpContext context, InstanceRegistry registry, RucioSessionResolver sessions, CredentialStore store, CancellationToken cancellationToken)
    {
        var instance = await RequireInstanceAsync(registry, RucioSession.RequireNamespace(context), cancellationToken);
        var typeText = context.Request.Query["type"].ToString();
        AuthType type;
        if (typeText.Length > 0)
        {
            type = ParseType(typeText);
        }
        else if (await sessions.GetEffectiveAuthTypeAsync(instance, cancellationToken) is { } effective)
        {
            type = effective;
        }
        else
        {
            return NotSet(context);
        }

        var saved = await store.GetAsync(instance.Name, type, cancellationToken);
        if (type == AuthType.Oidc)
        {
            return DescribeOidc(instance, saved as OidcCredentials) is { } oidc ? Results.Json(oidc) : NotSet(context);
        }

        return saved is null ? NotSet(context) : Results.Json(saved.ToPublicJson());
    }

    /// <summary>
    /// 404 as the existing frontend expects; with <c>optional=1</c> (the new panel) 204, because "nothing saved yet"
    /// is the normal first visit and a 404 would show up as an error in the browser console.
    /// </summary>
    private static IResult NotSet(HttpContext context) =>
        context.Request.Query["optional"] == "1" ? Results.NoContent() : throw ApiProblemException.NotFound("Auth credentials not set");

    private static async Task<IResult> PutAsync(
        JsonObject? body,
        InstanceRegistry registry,
        CredentialStore store,
        RucioClientFactory factory,
        CredentialTester tester,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var name = Text(body, "namespace") ?? throw ApiProblemException.BadRequest("Missing Rucio instance: the body needs \"namespace\".");
        var instance = await RequireInstanceAsync(registry, name, cancellationToken);
        var type = ParseType(Text(body, "type") ?? "");
        var parameters = await WithStoredPasswordAsync(store, instance.Name, type, body?["params"] as JsonObject, cancellationToken);
        if (!StoredCredentials.TryParse(type, parameters, out var credentials, out var error))
        {
            throw ApiProblemException.BadRequest(error!);
        }

        if (type == AuthType.Oidc && ((OidcCredentials)credentials!).TokenPath is null && !instance.HasOperatorOidc)
        {
            throw ApiProblemException.BadRequest(
                $"OpenID Connect is not configured for '{instance.DisplayName}'; give the path of a token file.");
        }

        CredentialTestResult result;
        try
        {
            result = await tester.TestAsync(instance, credentials!, cancellationToken);
        }
        catch (RucioException ex)
        {
            loggers.CreateLogger(typeof(AuthEndpoints)).LogInformation(
                "Credential test for {Instance} ({Type}) failed: {ErrorCode}", instance.Name, type.ToWireName(), ex.ErrorCode);
            throw RucioErrorMapping.ToProblem(ex, instance.DisplayName, instance.EffectiveAuthUrl, "authenticate");
        }

        await store.SaveAsync(instance.Name, credentials!, cancellationToken);
        factory.Invalidate(instance.Name);
        return Results.Json(new
        {
            success = true,
            account = result.Account,
            lifetime = result.Lifetime is { } until ? FormatLifetime(until) : null,
        });
    }

    /// <summary>
    /// The panel never receives the saved password, so re-saving the form without retyping it leaves the password out:
    /// keep the saved one when the username is unchanged.
    /// </summary>
    private static async Task<JsonObject?> WithStoredPasswordAsync(
        CredentialStore store, string instance, AuthType type, JsonObject? parameters, CancellationToken cancellationToken)
    {
        if (type != AuthType.UserPass || parameters is null || Text(parameters, "password") is { Length: > 0 })
        {
            return parameters;
        }

        if (await store.GetAsync(instance, AuthType.UserPass, cancellationToken) is UserPassCredentials saved
            && string.Equals(saved.Username, Text(parameters, "username"), StringComparison.Ordinal))
        {
            var merged = (JsonObject)parameters.DeepClone();
            merged["password"] = saved.Password;
            return merged;
        }

        return parameters;
    }

    private static async Task<IResult> CheckOidcAsync(
        HttpContext context, InstanceRegistry registry, CredentialStore store, RucioClientFactory factory, CancellationToken cancellationToken)
    {
        var instance = await RequireInstanceAsync(registry, RucioSession.RequireNamespace(context), cancellationToken);
        var saved = await store.GetAsync(instance.Name, AuthType.Oidc, cancellationToken) as OidcCredentials;
        var description = DescribeOidc(instance, saved)
            ?? throw ApiProblemException.BadRequest($"Invalid oidc_auth configuration: OpenID Connect is not configured for '{instance.DisplayName}'.");
        try
        {
            using var client = factory.CreateUncached(instance, AuthType.Oidc, saved);
            var validation = await client.Auth.ValidateAsync(cancellationToken);
            var token = await client.Auth.GetTokenAsync(cancellationToken);
            var expires = validation.Lifetime ?? (token.ExpiresAt == DateTimeOffset.MaxValue ? (DateTimeOffset?)null : token.ExpiresAt);
            return Results.Json(new
            {
                success = true,
                oidc_auth = description["oidc_auth"]?.GetValue<string>(),
                oidc_auth_source = description["oidc_auth_source"]?.GetValue<string>(),
                expires = expires?.ToUnixTimeSeconds(),
            });
        }
        catch (RucioException ex) when (ex.Status is StatusCodes.Status401Unauthorized
            || ex.ErrorCode is RucioException.TokenExpiredCode or RucioException.InvalidCredentialCode)
        {
            throw new ApiProblemException(StatusCodes.Status403Forbidden,
                "OpenID Connect token is expired or invalid. Try logging out and logging back in.", ex.ErrorCode, ex.Message);
        }
        catch (RucioException ex)
        {
            throw RucioErrorMapping.ToProblem(ex, instance.DisplayName, instance.EffectiveAuthUrl, "validate the OpenID Connect token");
        }
    }

    /// <summary>Where the OIDC token comes from, never the token itself; null when there is no source.</summary>
    private static JsonObject? DescribeOidc(InstanceConfig instance, OidcCredentials? saved)
    {
        if (saved?.TokenPath is { } tokenPath)
        {
            return new JsonObject
            {
                ["oidc_auth"] = "file",
                ["oidc_auth_source"] = tokenPath,
                ["token_path"] = tokenPath,
                ["token_available"] = File.Exists(tokenPath),
            };
        }

        if (!instance.HasOperatorOidc)
        {
            return null;
        }

        var fromEnvironment = instance.OidcAuth == OidcTokenLocation.Environment;
        return new JsonObject
        {
            ["oidc_auth"] = fromEnvironment ? "env" : "file",
            ["oidc_auth_source"] = fromEnvironment ? instance.OidcEnvName : instance.OidcFileName,
            ["token_path"] = null,
            ["token_available"] = InstancesEndpoints.OidcTokenAvailable(instance),
        };
    }

    private static async Task<InstanceConfig> RequireInstanceAsync(InstanceRegistry registry, string name, CancellationToken cancellationToken) =>
        await registry.FindAsync(name, cancellationToken)
        ?? throw ApiProblemException.NotFound($"The Rucio instance '{name}' is not configured or its configuration has problems.");

    private static AuthType ParseType(string text) =>
        AuthTypeNames.TryParse(text, out var type)
            ? type
            : throw ApiProblemException.BadRequest($"Unknown authentication method '{text}'; use one of {string.Join(", ", AuthTypeNames.All)}.");

    private static string? Text(JsonObject? body, string key) =>
        body?[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text
            ? text
            : null;

    /// <summary>The existing frontend parses <c>YYYY-MM-DDTHH:MM:SSZ</c>.</summary>
    private static string FormatLifetime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
