namespace Rucio.JupyterLab.Server.Features.Metrics;

/// <summary><c>GET metrics</c>: Prometheus text, served to Jupyter through the bridge like every other route.</summary>
internal static class MetricsEndpoints
{
    public static RouteGroupBuilder MapMetrics(this RouteGroupBuilder api)
    {
        api.MapGet("/metrics", (RequestMetrics metrics) =>
            Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        return api;
    }
}
