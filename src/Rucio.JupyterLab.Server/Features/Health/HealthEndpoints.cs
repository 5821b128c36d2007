namespace Rucio.JupyterLab.Server.Features.Health;

/// <summary><c>GET /_health</c>: the bridge's readiness probe. Outside the API prefix and without any I/O.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/_health", () => Results.Json(new { status = "ok" }));
        return routes;
    }
}
