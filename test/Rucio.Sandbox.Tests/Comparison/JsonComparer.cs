using System.Text.Json;
using System.Text.RegularExpressions;
using Rucio.Sandbox.Tests.Replay;

namespace Rucio.Sandbox.Tests.Comparison;

/// <summary>
/// Compares a recorded JSON value with the Sandbox's: same keys, same value kinds (null included), equal values,
/// except that generated ids must map one-to-one (<see cref="IdMap"/>), timestamps must only have the same format,
/// and PFNs the same structure (<see cref="PfnStructure"/>). Per-transcript relaxations come from <see cref="Allowance"/>.
/// </summary>
internal sealed partial class JsonComparer(IdMap ids, PfnStructure pfns, Allowance allowance, List<string> mismatches)
{
    /// <summary>Keys holding ids the server generates (uuid hex); the recording's values are meaningless here.</summary>
    public static readonly IReadOnlySet<string> IdKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "id", "rse_id", "rule_id", "src_rse_id", "dest_rse_id", "source_rse_id", "child_rule_id",
        "subscription_id", "previous_attempt_id",
    };

    [GeneratedRegex(@"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} UTC$", RegexOptions.CultureInvariant)]
    private static partial Regex RucioDate();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    /// <param name="idKey">Set when the value is known to be an id list element (the body of POST /rules/).</param>
    public void Compare(JsonElement recorded, JsonElement live, string path, string? key = null, bool idKey = false)
    {
        if (!SameKind(recorded, live))
        {
            if (!(Ignored(key) && (IsNull(recorded) || IsNull(live))))
            {
                mismatches.Add($"{path}: {Describe(live)} where the recording has {Describe(recorded)}");
            }

            return;
        }

        switch (recorded.ValueKind)
        {
            case JsonValueKind.Object:
                CompareObjects(recorded, live, path);
                break;
            case JsonValueKind.Array:
                CompareArrays(recorded, live, path, key, idKey);
                break;
            case JsonValueKind.String:
                CompareStrings(recorded.GetString()!, live.GetString()!, path, key, idKey);
                break;
            case JsonValueKind.Number:
                if (!Ignored(key) && recorded.GetDecimal() != live.GetDecimal())
                {
                    mismatches.Add($"{path}: {live.GetRawText()} where the recording has {recorded.GetRawText()}");
                }

                break;
            case JsonValueKind.True or JsonValueKind.False:
                if (!Ignored(key) && recorded.ValueKind != live.ValueKind)
                {
                    mismatches.Add($"{path}: {live.GetRawText()} where the recording has {recorded.GetRawText()}");
                }

                break;
        }
    }

    private void CompareObjects(JsonElement recorded, JsonElement live, string path)
    {
        var liveProperties = live.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var unmatchedLive = new HashSet<string>(liveProperties.Keys, StringComparer.Ordinal);
        foreach (var property in recorded.EnumerateObject())
        {
            var liveName = MatchKey(property.Name, unmatchedLive);
            if (liveName is null)
            {
                mismatches.Add($"{path}: missing key \"{property.Name}\"");
                continue;
            }

            unmatchedLive.Remove(liveName);
            Compare(property.Value, liveProperties[liveName], $"{path}.{property.Name}", property.Name);
        }

        foreach (var extra in unmatchedLive)
        {
            mismatches.Add($"{path}: unexpected key \"{extra}\"");
        }
    }

    /// <summary>Keys are equal, except PFN keys (the "pfns" map) which match by structure.</summary>
    private string? MatchKey(string recordedKey, HashSet<string> liveKeys)
    {
        if (liveKeys.Contains(recordedKey))
        {
            return recordedKey;
        }

        return pfns.IsPfn(recordedKey) ? liveKeys.FirstOrDefault(k => pfns.Check(recordedKey, k) is null) : null;
    }

    private void CompareArrays(JsonElement recorded, JsonElement live, string path, string? key, bool idKey)
    {
        var recordedItems = recorded.EnumerateArray().ToList();
        var liveItems = live.EnumerateArray().ToList();
        if (recordedItems.Count != liveItems.Count)
        {
            mismatches.Add($"{path}: {liveItems.Count} elements where the recording has {recordedItems.Count}: {Show(live)}");
            return;
        }

        for (var i = 0; i < recordedItems.Count; i++)
        {
            Compare(recordedItems[i], liveItems[i], $"{path}[{i}]", key, idKey);
        }
    }

    private void CompareStrings(string recorded, string live, string path, string? key, bool idKey)
    {
        if (Ignored(key))
        {
            return;
        }

        if (idKey || (key is not null && IdKeys.Contains(key)))
        {
            var problem = ids.Observe(recorded, live);
            if (problem is not null)
            {
                mismatches.Add($"{path}: {problem}");
            }

            return;
        }

        foreach (var format in new[] { RucioDate(), IsoDate() })
        {
            if (format.IsMatch(recorded))
            {
                if (!format.IsMatch(live))
                {
                    mismatches.Add($"{path}: timestamp \"{live}\" is not in the recorded format of \"{recorded}\"");
                }

                return;
            }
        }

        if (pfns.IsPfn(recorded))
        {
            var problem = pfns.Check(recorded, live);
            if (problem is not null)
            {
                mismatches.Add($"{path}: {problem}");
            }

            return;
        }

        if (!string.Equals(recorded, live, StringComparison.Ordinal))
        {
            mismatches.Add($"{path}: \"{live}\" where the recording has \"{recorded}\"");
        }
    }

    private bool Ignored(string? key) => key is not null && allowance.UncomparedValueKeys.Contains(key);

    private static bool SameKind(JsonElement a, JsonElement b) => Kind(a) == Kind(b);

    private static bool IsNull(JsonElement e) => e.ValueKind == JsonValueKind.Null;

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.Null => "null",
        _ => e.ValueKind.ToString(),
    };

    private static string Describe(JsonElement e) => IsNull(e) ? "null" : $"{Kind(e)} {Show(e)}";

    public static string Show(JsonElement e)
    {
        var text = e.GetRawText();
        return text.Length <= 160 ? text : text[..157] + "...";
    }
}
