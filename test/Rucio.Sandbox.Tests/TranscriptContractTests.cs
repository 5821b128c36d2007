using Rucio.Sandbox.Tests.Comparison;
using Rucio.Sandbox.Tests.Replay;
using Rucio.Sandbox.Tests.Support;

namespace Rucio.Sandbox.Tests;

/// <summary>
/// Replays every raw transcript recorded from Rucio 1.31.7 against one Sandbox, in recording order, and requires the
/// same answers: status, media type, error class and message, JSON keys, value kinds and deterministic values.
/// Tolerated differences are listed, with reasons, in <see cref="Allowances"/>.
/// </summary>
public sealed class TranscriptContractTests(ReplayFixture replay) : IClassFixture<ReplayFixture>
{
    public static TheoryData<string> Transcripts()
    {
        var data = new TheoryData<string>();
        foreach (var step in ReplayPlan.Build(ReplayPlan.LoadTranscripts()).Where(s => s.Transcript is not null))
        {
            data.Add(step.Name);
        }

        return data;
    }

    [TranscriptTheory]
    [MemberData(nameof(Transcripts))]
    public async Task Sandbox_answers_like_the_recorded_server(string transcript)
    {
        var mismatches = await replay.OutcomeOfAsync(transcript);

        var allowance = Allowances.For(transcript);
        var note = allowance.Transcript.Length == 0 ? "" : $"\n  (allowed here: {allowance.Difference}, because {allowance.Why})";
        Assert.True(
            mismatches.Count == 0,
            $"{transcript}: {mismatches.Count} difference(s) from the recording{note}\n  " + string.Join("\n  ", mismatches));
    }
}
