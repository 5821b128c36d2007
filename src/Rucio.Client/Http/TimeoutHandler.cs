namespace Rucio.Client;

/// <summary>Bounds each attempt (up to the response headers) by <see cref="RucioClientOptions.Timeout"/>.</summary>
internal sealed class TimeoutHandler(TimeSpan timeout, TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var guard = new TimeoutGuard(timeout, timeProvider, cancellationToken);
        guard.Restart();
        try
        {
            return await base.SendAsync(request, guard.Token);
        }
        catch (Exception ex) when (guard.TimedOut && ex is not RucioException)
        {
            throw guard.CreateTimeoutException($"{request.Method} {request.RequestUri?.AbsolutePath}", ex);
        }
    }
}
