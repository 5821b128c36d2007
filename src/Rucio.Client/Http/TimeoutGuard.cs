namespace Rucio.Client;

/// <summary>
/// A cancellation token that fires after a (restartable) timeout or when the caller cancels, and tells the two
/// apart: a timeout becomes <see cref="RucioException"/> "Timeout", a caller cancellation stays an
/// <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class TimeoutGuard : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _timeoutSource;
    private readonly CancellationTokenSource _linkedSource;

    public TimeoutGuard(TimeSpan timeout, TimeProvider timeProvider, CancellationToken callerToken)
    {
        _timeout = timeout;
        _callerToken = callerToken;
        _timeoutSource = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _linkedSource = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _timeoutSource.Token);
    }

    public CancellationToken Token => _linkedSource.Token;

    /// <summary>True when the timeout, and not the caller, cancelled <see cref="Token"/>.</summary>
    public bool TimedOut => _timeoutSource.IsCancellationRequested && !_callerToken.IsCancellationRequested;

    /// <summary>Starts (or restarts) the countdown.</summary>
    public void Restart() => _timeoutSource.CancelAfter(_timeout);

    /// <summary>Stops the countdown, e.g. while a streamed listing waits for its consumer.</summary>
    public void Pause() => _timeoutSource.CancelAfter(Timeout.InfiniteTimeSpan);

    public RucioException CreateTimeoutException(string operation, Exception inner) =>
        new($"{operation} did not complete within {_timeout.TotalSeconds:0.###} s.", 0, RucioException.TimeoutCode, inner);

    public void Dispose()
    {
        _linkedSource.Dispose();
        _timeoutSource.Dispose();
    }
}
