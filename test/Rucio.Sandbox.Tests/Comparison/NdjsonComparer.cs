using System.Text.Json;

namespace Rucio.Sandbox.Tests.Comparison;

/// <summary>
/// Compares NDJSON bodies line by line. Lines are paired by what they describe (scope, name, RSE, account, ...),
/// not by position: Rucio emits rows in whatever order its SQL plan yields (e.g. 16b lists dataset2's files before
/// dataset1's) and no client may rely on it. Every recorded line needs a partner and vice versa.
/// </summary>
internal static class NdjsonComparer
{
    private static readonly string[] IdentityKeys =
        ["scope", "name", "rse", "account", "identity", "rse_expression", "type", "did_type", "source"];

    public static void Compare(string recordedBody, string liveBody, JsonComparer json, List<string> mismatches)
    {
        if (liveBody.Length > 0 && !liveBody.EndsWith('\n'))
        {
            mismatches.Add("NDJSON body does not end with a newline (every line must)");
        }

        var recorded = ParseLines(recordedBody, "recorded", mismatches);
        var live = ParseLines(liveBody, "live", mismatches);
        if (recorded is null || live is null)
        {
            return;
        }

        // Pair lines describing the same thing first; leftovers pair by position so that a line whose identity
        // itself differs (say did_type "FILE" for "DIDType.FILE") is reported value by value, not as missing.
        var partners = new int?[recorded.Count];
        var taken = new bool[live.Count];
        for (var r = 0; r < recorded.Count; r++)
        {
            var identity = Identity(recorded[r]);
            var l = Enumerable.Range(0, live.Count).FirstOrDefault(i => !taken[i] && Identity(live[i]) == identity, -1);
            if (l >= 0)
            {
                partners[r] = l;
                taken[l] = true;
            }
        }

        var leftovers = new Queue<int>(Enumerable.Range(0, live.Count).Where(i => !taken[i]));
        for (var r = 0; r < recorded.Count; r++)
        {
            if (partners[r] is null && leftovers.Count > 0)
            {
                partners[r] = leftovers.Dequeue();
            }
        }

        for (var r = 0; r < recorded.Count; r++)
        {
            if (partners[r] is { } l)
            {
                json.Compare(recorded[r], live[l], $"line {r + 1} ({Identity(recorded[r])})");
            }
            else
            {
                mismatches.Add($"line {r + 1} missing: {JsonComparer.Show(recorded[r])}");
            }
        }

        foreach (var l in leftovers)
        {
            mismatches.Add($"unexpected line {l + 1}: {JsonComparer.Show(live[l])}");
        }

        if (recorded.Count != live.Count)
        {
            mismatches.Add($"{live.Count} NDJSON lines where the recording has {recorded.Count}");
        }
    }

    private static List<JsonElement>? ParseLines(string body, string side, List<string> mismatches)
    {
        var elements = new List<JsonElement>();
        var lines = body.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                elements.Add(document.RootElement.Clone());
            }
            catch (JsonException ex)
            {
                mismatches.Add($"{side} NDJSON line {i + 1} is not JSON ({ex.Message}): {Truncate(lines[i])}");
                return null;
            }
        }

        return elements;
    }

    private static string Identity(JsonElement line)
    {
        if (line.ValueKind != JsonValueKind.Object)
        {
            return line.GetRawText();
        }

        var parts = new List<string>();
        foreach (var key in IdentityKeys)
        {
            if (line.TryGetProperty(key, out var value))
            {
                parts.Add($"{key}={(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText())}");
            }
        }

        return string.Join(' ', parts);
    }

    private static string Truncate(string text) => text.Length <= 160 ? text : text[..157] + "...";
}
