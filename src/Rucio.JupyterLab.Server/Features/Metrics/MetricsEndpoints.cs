using System.Globalization;
using System.Text;
using Rucio.JupyterLab.Server.Features.Download;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Metrics;

/// <summary>
/// <c>GET metrics</c>: Prometheus text, served to Jupyter through the bridge like every other route: requests per
/// route, Rucio calls per endpoint, cache lookups, and the download queue's length per state.
/// </summary>
internal static class MetricsEndpoints
{
    public static RouteGroupBuilder MapMetrics(this RouteGroupBuilder api)
    {
        api.MapGet("/metrics", async (RequestMetrics requests, RucioCallMetrics rucio, DownloadService downloads, CancellationToken cancellationToken) =>
        {
            var text = new StringBuilder();
            requests.Render(text);
            rucio.Render(text);
            text.Append("# HELP rucio_jupyterlab_download_jobs Download jobs per state (QUEUED is the queue length).\n");
            text.Append("# TYPE rucio_jupyterlab_download_jobs gauge\n");
            foreach (var (state, count) in await downloads.CountByStateAsync(cancellationToken))
            {
                text.Append(CultureInfo.InvariantCulture, $"rucio_jupyterlab_download_jobs{{state=\"{state}\"}} {count}\n");
            }

            return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
        });
        return api;
    }
}
