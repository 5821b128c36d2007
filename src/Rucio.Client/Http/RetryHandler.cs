using System.Net;

namespace Rucio.Client;

/// <summary>
/// Retries transient failures with exponential backoff and jitter.
/// <list type="bullet">
/// <item>GET, HEAD, PUT, DELETE and OPTIONS (idempotent) are retried on transport errors and on 502/503/504.</item>
/// <item>Anything else (POST: adding a rule twice would create two rules) is retried only when the connection
/// could not even be established (DNS failure, connection refused), i.e. when the request provably never reached
/// the server. A 5xx answer to a POST is never retried.</item>
/// </list>
/// </summary>
internal sealed class RetryHandler(RetryOptions options, TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var idempotent = IsIdempotent(request.Method);
        for (var attempt = 0; ; attempt++)
        {
            var canRetry = attempt < options.MaxRetries;
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (canRetry && !cancellationToken.IsCancellationRequested && IsRetryable(ex, idempotent))
            {
                await Task.Delay(ComputeDelay(attempt, options, retryAfter: null, Random.Shared), timeProvider, cancellationToken);
                continue;
            }

            if (canRetry && idempotent && IsTransientStatus(response.StatusCode))
            {
                var retryAfter = GetRetryAfter(response);
                response.Dispose();
                await Task.Delay(ComputeDelay(attempt, options, retryAfter, Random.Shared), timeProvider, cancellationToken);
                continue;
            }

            return response;
        }
    }

    internal static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put
        || method == HttpMethod.Delete || method == HttpMethod.Options;

    internal static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    internal static bool IsRetryable(HttpRequestException exception, bool idempotent) => exception.HttpRequestError switch
    {
        // Failed before a single byte of the request was sent: safe for every method.
        HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError => true,

        // Certificate problems and local limits do not heal by retrying.
        HttpRequestError.SecureConnectionError or HttpRequestError.UserAuthenticationError
            or HttpRequestError.ConfigurationLimitExceeded or HttpRequestError.ProxyTunnelError => false,

        // The connection broke after the request may have been processed: only idempotent requests.
        _ => idempotent,
    };

    /// <summary>
    /// Exponential backoff (Delay·2^attempt, capped at MaxDelay) with "equal jitter": half fixed, half random, so
    /// concurrent clients do not retry in lockstep. A server Retry-After wins when longer, still capped.
    /// </summary>
    internal static TimeSpan ComputeDelay(int attempt, RetryOptions options, TimeSpan? retryAfter, Random random)
    {
        var maxTicks = Math.Max(0, options.MaxDelay.Ticks);
        var exponential = options.Delay.Ticks * Math.Pow(2, Math.Min(attempt, 30));
        var capped = (long)Math.Min(exponential, maxTicks);
        var jittered = (capped / 2) + (long)(random.NextDouble() * (capped - (capped / 2)));
        if (retryAfter is { } serverDelay && serverDelay.Ticks > jittered)
        {
            jittered = Math.Min(serverDelay.Ticks, maxTicks);
        }

        return TimeSpan.FromTicks(jittered);
    }

    private TimeSpan? GetRetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - timeProvider.GetUtcNow() : null;
    }
}
