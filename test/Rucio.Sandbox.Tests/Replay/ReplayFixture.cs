using Rucio.Sandbox.Tests.Support;

namespace Rucio.Sandbox.Tests.Replay;

/// <summary>
/// One fresh Sandbox for the whole transcript suite. Replays lazily in recording order: asking for a transcript's
/// outcome replays every earlier step first, and outcomes are cached, so the suite replays once whatever order the
/// runner picks. The transfer worker is held back (a one-day delay) because the recording completed its rule by
/// hand in 30-32; until then the recorded rule stays REPLICATING.
/// </summary>
public sealed class ReplayFixture : IAsyncLifetime
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, IReadOnlyList<string>> _outcomes = new(StringComparer.Ordinal);
    private readonly List<string> _pendingInterludeProblems = [];
    private IReadOnlyList<ReplayStep> _plan = [];
    private int _next;
    private SandboxHost? _sandbox;
    private TranscriptReplayer? _replayer;

    public async Task InitializeAsync()
    {
        var transcripts = ReplayPlan.LoadTranscripts();
        _plan = ReplayPlan.Build(transcripts);
        using var timeout = new CancellationTokenSource(StepTimeout);
        _sandbox = await SandboxHost.StartAsync(["--transfer-delay", "86400"], timeout.Token);
        _replayer = new TranscriptReplayer(_sandbox.Client, transcripts);
    }

    /// <summary>The differences found for one transcript (empty when it matches its recording).</summary>
    internal async Task<IReadOnlyList<string>> OutcomeOfAsync(string transcript)
    {
        await _gate.WaitAsync();
        try
        {
            while (!_outcomes.ContainsKey(transcript) && _next < _plan.Count)
            {
                await RunAsync(_plan[_next++]);
            }

            return _outcomes.TryGetValue(transcript, out var outcome)
                ? outcome
                : throw new InvalidOperationException($"{transcript} is not part of the replay plan.");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunAsync(ReplayStep step)
    {
        using var timeout = new CancellationTokenSource(StepTimeout);
        if (step.Interlude is { } interlude)
        {
            // Interlude failures are reported with the next transcript, whose state they were meant to prepare.
            try
            {
                _pendingInterludeProblems.AddRange(await _replayer!.RunAsync(interlude, timeout.Token));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                _pendingInterludeProblems.Add($"{interlude.Name}: {ex.GetType().Name}: {ex.Message}");
            }

            return;
        }

        var mismatches = new List<string>(await _replayer!.ReplayAsync(step.Transcript!, timeout.Token));
        if (_pendingInterludeProblems.Count > 0)
        {
            mismatches.AddRange(_pendingInterludeProblems.Select(p => "(preceding) " + p));
            _pendingInterludeProblems.Clear();
        }

        _outcomes[step.Transcript!.FileName] = mismatches;
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        _gate.Dispose();
    }
}
