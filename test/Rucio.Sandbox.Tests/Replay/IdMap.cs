namespace Rucio.Sandbox.Tests.Replay;

/// <summary>
/// A one-to-one map between ids the recording server generated (RSE, rule and request ids) and the ids the Sandbox
/// generated for the same objects. The first sighting of a recorded id binds it; every later sighting must agree,
/// which checks that the Sandbox keeps ids stable across endpoints.
/// </summary>
internal sealed class IdMap
{
    private readonly Dictionary<string, string> _recordedToLive = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _liveToRecorded = new(StringComparer.Ordinal);

    public bool TryGetLive(string recorded, out string live) => _recordedToLive.TryGetValue(recorded, out live!);

    /// <summary>Binds or checks the pair; returns a problem description, or null when consistent.</summary>
    public string? Observe(string recorded, string live)
    {
        if (_recordedToLive.TryGetValue(recorded, out var knownLive))
        {
            return knownLive == live
                ? null
                : $"id {live} where {knownLive} was expected (the Sandbox's id for recorded {recorded})";
        }

        if (_liveToRecorded.TryGetValue(live, out var otherRecorded))
        {
            return $"id {live} already stands for a different object (recorded {otherRecorded}, now {recorded})";
        }

        _recordedToLive.Add(recorded, live);
        _liveToRecorded.Add(live, recorded);
        return null;
    }

    /// <summary>Replaces every recorded id bound so far by its live counterpart (paths and request bodies).</summary>
    public string Substitute(string text)
    {
        foreach (var (recorded, live) in _recordedToLive)
        {
            text = text.Replace(recorded, live, StringComparison.Ordinal);
        }

        return text;
    }
}
