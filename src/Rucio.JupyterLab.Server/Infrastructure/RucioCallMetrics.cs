using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Rucio.Client;

namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>
/// Rucio calls per endpoint template (count by outcome, and latency) plus the status cache's hits and misses.
/// Rucio.Client has no public per-request hook that keeps X.509 transports intact, so every call the backend makes
/// goes through <see cref="MeasureAsync{T}"/> or <see cref="MeasureStream{T}"/> — one place, labelled with Rucio's
/// route template (never the DID itself, which would explode the label set). Token requests made by the client on
/// its own are not counted.
/// </summary>
internal sealed class RucioCallMetrics
{
    private static readonly double[] BucketBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly ConcurrentDictionary<(string Endpoint, string Outcome), long> _calls = new();
    private readonly ConcurrentDictionary<string, LatencyHistogram> _latencies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Cache, string Result), long> _cache = new();

    /// <summary>Calls of one endpoint so far, whatever their outcome (tests and the benchmark read it).</summary>
    public long CallCount(string endpoint) =>
        _calls.Where(c => c.Key.Endpoint == endpoint).Sum(c => c.Value);

    /// <summary>Every endpoint called so far with its call count.</summary>
    public IReadOnlyDictionary<string, long> CallCounts() =>
        _calls.GroupBy(c => c.Key.Endpoint).ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);

    public async Task<T> MeasureAsync<T>(string endpoint, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call();
            Record(endpoint, "ok", started);
            return result;
        }
        catch (Exception ex)
        {
            Record(endpoint, Outcome(ex), started);
            throw;
        }
    }

    public async Task MeasureAsync(string endpoint, Func<Task> call) =>
        await MeasureAsync<bool>(endpoint, async () =>
        {
            await call();
            return true;
        });

    /// <summary>Times a streamed listing from the request to its last row (or its failure).</summary>
    public async IAsyncEnumerable<T> MeasureStream<T>(string endpoint, IAsyncEnumerable<T> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "cancelled";
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync();
                }
                catch (Exception ex)
                {
                    outcome = Outcome(ex);
                    throw;
                }

                if (!more)
                {
                    outcome = "ok";
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
        finally
        {
            Record(endpoint, outcome, started);
        }
    }

    public void CacheResult(string cache, string result) =>
        _cache.AddOrUpdate((cache, result), 1, static (_, count) => count + 1);

    public long CacheCount(string cache, string result) => _cache.GetValueOrDefault((cache, result));

    public void Render(StringBuilder text)
    {
        text.Append("# HELP rucio_jupyterlab_rucio_calls_total Calls to the Rucio REST API per endpoint template and outcome.\n");
        text.Append("# TYPE rucio_jupyterlab_rucio_calls_total counter\n");
        foreach (var ((endpoint, outcome), count) in _calls.OrderBy(c => c.Key.Endpoint, StringComparer.Ordinal).ThenBy(c => c.Key.Outcome, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"rucio_jupyterlab_rucio_calls_total{{endpoint=\"{PrometheusText.Escape(endpoint)}\",outcome=\"{outcome}\"}} {count}\n");
        }

        text.Append("# HELP rucio_jupyterlab_rucio_call_duration_seconds Duration of Rucio calls, streamed listings read to the end.\n");
        text.Append("# TYPE rucio_jupyterlab_rucio_call_duration_seconds histogram\n");
        foreach (var (endpoint, histogram) in _latencies.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            histogram.Render(text, "rucio_jupyterlab_rucio_call_duration_seconds", $"endpoint=\"{PrometheusText.Escape(endpoint)}\"");
        }

        text.Append("# HELP rucio_jupyterlab_cache_requests_total Cache lookups: hit (served from cache), miss (computed), coalesced (joined a computation in flight).\n");
        text.Append("# TYPE rucio_jupyterlab_cache_requests_total counter\n");
        foreach (var ((cache, result), count) in _cache.OrderBy(c => c.Key.Cache, StringComparer.Ordinal).ThenBy(c => c.Key.Result, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"rucio_jupyterlab_cache_requests_total{{cache=\"{cache}\",result=\"{result}\"}} {count}\n");
        }
    }

    private static string Outcome(Exception exception) => exception switch
    {
        RucioException { ErrorCode: { } code } => code,
        RucioException rucio => rucio.Status.ToString(CultureInfo.InvariantCulture),
        OperationCanceledException => "cancelled",
        _ => "error",
    };

    private void Record(string endpoint, string outcome, long started)
    {
        _calls.AddOrUpdate((endpoint, outcome), 1, static (_, count) => count + 1);
        _latencies.GetOrAdd(endpoint, static _ => new LatencyHistogram(BucketBounds)).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}

/// <summary>Prometheus text-format helpers shared by the metric families.</summary>
internal static class PrometheusText
{
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

/// <summary>A cumulative Prometheus histogram (thread-safe).</summary>
internal sealed class LatencyHistogram(double[] bounds)
{
    private readonly Lock _sync = new();
    private readonly long[] _buckets = new long[bounds.Length];
    private long _count;
    private double _sum;

    public void Observe(double seconds)
    {
        lock (_sync)
        {
            _count++;
            _sum += seconds;
            for (var i = 0; i < bounds.Length; i++)
            {
                if (seconds <= bounds[i])
                {
                    _buckets[i]++;
                }
            }
        }
    }

    public void Render(StringBuilder text, string name, string labels)
    {
        lock (_sync)
        {
            for (var i = 0; i < bounds.Length; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{bounds[i].ToString(CultureInfo.InvariantCulture)}\"}} {_buckets[i]}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {_count}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {_sum.ToString("R", CultureInfo.InvariantCulture)}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {_count}\n");
        }
    }
}
