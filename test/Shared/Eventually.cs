using System.Diagnostics;

namespace Rucio.Tests.Shared;

/// <summary>Waiting for asynchronous effects in tests without fixed sleeps.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="condition"/> holds for its result, or fails with a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and the last value once <paramref name="timeout"/> passed.
    /// </summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var started = Stopwatch.GetTimestamp();
        T last;
        do
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(PollInterval);
        }
        while (Stopwatch.GetElapsedTime(started) < timeout);

        throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:F0} s; last value: {last}");
    }
}
