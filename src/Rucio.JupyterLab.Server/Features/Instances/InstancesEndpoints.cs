using System.Text.Json.Nodes;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.State;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Instances;

/// <summary>
/// <c>GET instances</c>: the usable instances, the active one and its method, plus every configuration problem.
/// <c>PUT instances</c>: selects the active instance and the method used for it.
/// </summary>
internal static class InstancesEndpoints
{
    public static RouteGroupBuilder MapInstances(this RouteGroupBuilder api)
    {
        api.MapGet("/instances", GetAsync);
        api.MapPut("/instances", PutAsync);
        return api;
    }

    internal sealed record InstanceItem(
        string Name, string DisplayName, string Mode, bool OidcEnabled, string? WebuiUrl, bool WildcardEnabled, string? AuthType);

    internal sealed record ProblemItem(string Severity, string? Instance, string? Key, string Message);

    internal sealed record InstancesResponse(
        string? ActiveInstance, string? AuthType, IReadOnlyList<InstanceItem> Instances, IReadOnlyList<ProblemItem> Problems);

    internal sealed record SelectRequest(string? Instance, string? Auth);

    private static async Task<InstancesResponse> GetAsync(
        InstanceRegistry registry, SettingsStore settings, RucioSessionResolver sessions, CancellationToken cancellationToken)
    {
        var snapshot = await registry.GetSnapshotAsync(cancellationToken);
        var items = new List<InstanceItem>(snapshot.Instances.Count);
        foreach (var instance in snapshot.Instances)
        {
            var authType = await sessions.GetEffectiveAuthTypeAsync(instance, cancellationToken);
            items.Add(new InstanceItem(
                instance.Name,
                instance.DisplayName,
                instance.Mode == InstanceMode.Download ? "download" : "replica",
                OidcTokenAvailable(instance),
                instance.WebUiUrl?.OriginalString,
                instance.WildcardEnabled,
                authType?.ToWireName()));
        }

        // A stored choice that is no longer usable (instance removed or broken) falls back to the default.
        var stored = await settings.GetActiveInstanceAsync(cancellationToken);
        var active = snapshot.Find(stored ?? "") ?? snapshot.Find(registry.Config.DefaultInstance ?? "");
        var activeAuth = active is null ? null : items.First(i => i.Name == active.Name).AuthType;

        var problems = snapshot.Problems
            .Select(p => new ProblemItem(p.Severity == ConfigProblemSeverity.Error ? "error" : "warning", p.Instance, p.Key, p.Message))
            .ToList();
        return new InstancesResponse(active?.Name, activeAuth, items, problems);
    }

    private static async Task<IResult> PutAsync(
        JsonObject? body, InstanceRegistry registry, SettingsStore settings, CancellationToken cancellationToken)
    {
        var name = body?["instance"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? body["instance"]!.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ApiProblemException.BadRequest("The body must name the instance: {\"instance\": <name>, \"auth\": <method>}.");
        }

        if (await registry.FindAsync(name, cancellationToken) is null)
        {
            throw ApiProblemException.BadRequest($"The Rucio instance '{name}' is not configured or its configuration has problems.");
        }

        AuthType? authType = null;
        var authText = body?["auth"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? body["auth"]!.GetValue<string>() : null;
        if (!string.IsNullOrWhiteSpace(authText))
        {
            if (!AuthTypeNames.TryParse(authText, out var parsed))
            {
                throw ApiProblemException.BadRequest($"Unknown authentication method '{authText}'; use one of {string.Join(", ", AuthTypeNames.All)}.");
            }

            authType = parsed;
        }

        await settings.SelectAsync(name, authType, cancellationToken);
        return Results.Json(new { success = true });
    }

    /// <summary>The existing extension's <c>oidc_enabled</c>: the operator's OIDC token can be read right now.</summary>
    internal static bool OidcTokenAvailable(InstanceConfig instance) => instance.OidcAuth switch
    {
        OidcTokenLocation.Environment => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(instance.OidcEnvName!)),
        OidcTokenLocation.File => File.Exists(instance.OidcFileName),
        _ => false,
    };
}
