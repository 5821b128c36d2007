using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Scopes;

/// <summary><c>GET list-scopes</c>: <c>{"success":true,"scopes":[…]}</c>, sorted (the frontend sorts too).</summary>
internal static class ScopesEndpoints
{
    public static RouteGroupBuilder MapScopes(this RouteGroupBuilder api)
    {
        api.MapGet("/list-scopes", ListAsync);
        return api;
    }

    private static async Task<IResult> ListAsync(RucioSession session, CancellationToken cancellationToken)
    {
        var scopes = await session.CallAsync("list the scopes", "GET /scopes/", client => client.Scopes.ListAsync(cancellationToken));
        return Results.Json(new { success = true, scopes = scopes.Order(StringComparer.Ordinal).ToList() });
    }
}
