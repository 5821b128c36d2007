using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Metrics;

/// <summary>
/// Request count and latency per route, rendered in the Prometheus text format. Latency is measured around the
/// whole pipeline, after the async handler (streaming included) has finished — the Python extension's decorator
/// only timed the creation of the coroutine.
/// </summary>
internal sealed class RequestMetrics
{
    private static readonly double[] BucketBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly ConcurrentDictionary<(string Route, string Method, int Status), long> _counts = new();
    private readonly ConcurrentDictionary<string, LatencyHistogram> _latencies = new(StringComparer.Ordinal);

    public void Record(string route, string method, int status, TimeSpan elapsed)
    {
        _counts.AddOrUpdate((route, method, status), 1, static (_, count) => count + 1);
        _latencies.GetOrAdd(route, static _ => new LatencyHistogram(BucketBounds)).Observe(elapsed.TotalSeconds);
    }

    public void Render(StringBuilder text)
    {
        text.Append("# HELP rucio_jupyterlab_requests_total Requests served by the backend.\n");
        text.Append("# TYPE rucio_jupyterlab_requests_total counter\n");
        foreach (var ((route, method, status), count) in _counts.OrderBy(c => c.Key.Route, StringComparer.Ordinal).ThenBy(c => c.Key.Method).ThenBy(c => c.Key.Status))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"rucio_jupyterlab_requests_total{{route=\"{PrometheusText.Escape(route)}\",method=\"{PrometheusText.Escape(method)}\",status=\"{status}\"}} {count}\n");
        }

        text.Append("# HELP rucio_jupyterlab_request_duration_seconds Time to serve a request, response body included.\n");
        text.Append("# TYPE rucio_jupyterlab_request_duration_seconds histogram\n");
        foreach (var (route, histogram) in _latencies.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            histogram.Render(text, "rucio_jupyterlab_request_duration_seconds", $"route=\"{PrometheusText.Escape(route)}\"");
        }
    }
}

/// <summary>Times every request and records it under its route template (never the raw path: DIDs would explode the label set).</summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, RequestMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.Record(route, context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
    }
}
