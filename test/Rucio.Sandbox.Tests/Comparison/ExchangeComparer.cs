using System.Text.Json;
using System.Text.RegularExpressions;
using Rucio.Sandbox.Tests.Replay;

namespace Rucio.Sandbox.Tests.Comparison;

/// <summary>Compares one replayed exchange with its recording and lists every difference found.</summary>
internal sealed partial class ExchangeComparer(IdMap ids, PfnStructure pfns, string liveBaseUrl)
{
    [GeneratedRegex(@"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} UTC$", RegexOptions.CultureInvariant)]
    private static partial Regex RucioDate();

    public List<string> Compare(string transcript, RecordedExchange exchange, LiveResponse live)
    {
        var mismatches = new List<string>();
        var recorded = exchange.Response;
        var allowance = Allowances.For(transcript);
        var recordedBaseUrl = "http://" + exchange.Request.Header("Host");

        if (live.Status != recorded.Status)
        {
            mismatches.Add($"status {live.Status} where the recording has {recorded.Status}");
        }

        if (recorded.MediaType is { } media && live.MediaType != media)
        {
            mismatches.Add($"Content-Type '{live.Header("Content-Type")}' where the recording has '{recorded.Header("Content-Type")}'");
        }

        CompareHeader("ExceptionClass", recorded, live, mismatches);
        if (allowance.HeaderMessageFromBody)
        {
            CompareHeaderMessageByRule(recorded, live, mismatches);
        }
        else
        {
            CompareHeader("ExceptionMessage", recorded, live, mismatches);
        }

        CompareLocation(recorded, live, recordedBaseUrl, mismatches);
        CompareAuthHeaders(recorded, live, mismatches);

        var json = new JsonComparer(ids, pfns, allowance, mismatches);
        if (recorded.MediaType == "application/x-json-stream")
        {
            NdjsonComparer.Compare(recorded.Body, live.Body, json, mismatches);
        }
        else if (recorded.MediaType == "application/metalink4+xml")
        {
            MetalinkComparer.Compare(recorded.Body, live.Body, pfns, mismatches);
        }
        else if (TryParseJson(recorded.Body) is { } recordedJson)
        {
            using (recordedJson)
            {
                CompareJsonBodies(exchange, recordedJson.RootElement, live, json, mismatches);
            }
        }
        else
        {
            var expected = Mask(recorded.Body.Replace(recordedBaseUrl, "{server}", StringComparison.Ordinal), allowance);
            var actual = Mask(live.Body.Replace(liveBaseUrl, "{server}", StringComparison.Ordinal), allowance);
            if (expected != actual)
            {
                mismatches.Add($"body {Quote(actual)} where the recording has {Quote(expected)}");
            }
        }

        return mismatches;
    }

    private static void CompareJsonBodies(RecordedExchange exchange, JsonElement recorded, LiveResponse live, JsonComparer json, List<string> mismatches)
    {
        using var liveJson = TryParseJson(live.Body);
        if (liveJson is null)
        {
            mismatches.Add($"body is not JSON: {Quote(live.Body)}");
            return;
        }

        // POST /rules/ answers a JSON list of the new rule ids: bind them to the recorded ones for later paths.
        var isRuleIdList = exchange.Request.Method == "POST" && exchange.Request.PathAndQuery.StartsWith("/rules/", StringComparison.Ordinal)
            && exchange.Response.Status == 201;
        json.Compare(recorded, liveJson.RootElement, "$", idKey: isRuleIdList);
    }

    private static void CompareHeader(string name, RecordedResponse recorded, LiveResponse live, List<string> mismatches)
    {
        var expected = recorded.Header(name);
        var actual = live.Header(name);
        if (expected != actual)
        {
            mismatches.Add($"header {name}: {Quote(actual)} where the recording has {Quote(expected)}");
        }
    }

    /// <summary>Rucio's ExceptionMessage header: newlines become spaces, and a long message is cut to 125 characters + "...".</summary>
    public static string HeaderMessageOf(string message)
    {
        var flat = message.Replace('\n', ' ');
        return flat.Length <= 125 ? flat : flat[..125] + "...";
    }

    private static void CompareHeaderMessageByRule(RecordedResponse recorded, LiveResponse live, List<string> mismatches)
    {
        using var body = TryParseJson(recorded.Body);
        var expected = body?.RootElement.GetProperty("ExceptionMessage").GetString() is { } message ? HeaderMessageOf(message) : null;
        var actual = live.Header("ExceptionMessage");
        if (expected != actual)
        {
            mismatches.Add($"header ExceptionMessage: {Quote(actual)} where Rucio's rule gives {Quote(expected)}");
        }
    }

    private void CompareLocation(RecordedResponse recorded, LiveResponse live, string recordedBaseUrl, List<string> mismatches)
    {
        var expected = recorded.Header("Location")?.Replace(recordedBaseUrl, liveBaseUrl, StringComparison.Ordinal);
        var actual = live.Header("Location");
        if (expected != actual)
        {
            mismatches.Add($"header Location: {Quote(actual)} where the recording has {Quote(expected)}");
        }
    }

    /// <summary>Tokens are random, but their shape, the account and the expiry format are not.</summary>
    private static void CompareAuthHeaders(RecordedResponse recorded, LiveResponse live, List<string> mismatches)
    {
        var expectedToken = recorded.Header(TokenBroker.TokenHeader);
        var actualToken = live.Header(TokenBroker.TokenHeader);
        if (expectedToken is null)
        {
            if (actualToken is not null)
            {
                mismatches.Add($"unexpected {TokenBroker.TokenHeader} header");
            }

            return;
        }

        var prefix = expectedToken[..(expectedToken.LastIndexOf('-') + 1)];
        if (actualToken is null || !actualToken.StartsWith(prefix, StringComparison.Ordinal)
            || !Regex.IsMatch(actualToken[prefix.Length..], "^[0-9a-f]{32}$", RegexOptions.CultureInvariant))
        {
            // The live token is not printed: even a test Sandbox's tokens stay out of logs.
            mismatches.Add($"{TokenBroker.TokenHeader} is {(actualToken is null ? "missing" : "not of the form")} '{prefix}<32 hex>'");
        }

        CompareHeader("X-Rucio-Auth-Account", recorded, live, mismatches);
        var expires = live.Header("X-Rucio-Auth-Token-Expires");
        if (expires is null || !RucioDate().IsMatch(expires))
        {
            mismatches.Add($"X-Rucio-Auth-Token-Expires {Quote(expires)} is not like '{recorded.Header("X-Rucio-Auth-Token-Expires")}'");
        }
    }

    private static JsonDocument? TryParseJson(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Mask(string text, Allowance allowance) =>
        allowance.TextMasks.Aggregate(text, (current, mask) => mask.Pattern.Replace(current, mask.Placeholder));

    private static string Quote(string? text)
    {
        if (text is null)
        {
            return "(none)";
        }

        var escaped = text.Replace("\n", "\\n", StringComparison.Ordinal);
        return "'" + (escaped.Length <= 200 ? escaped : escaped[..197] + "...") + "'";
    }
}
