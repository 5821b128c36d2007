using System.Text;
using System.Text.Json;
using Rucio.Sandbox.Tests.Comparison;

namespace Rucio.Sandbox.Tests.Replay;

/// <summary>
/// Sends recorded requests to a live Sandbox: the recorded headers (minus Host and framing), the live token in place
/// of the dead one, and live ids in place of recorded ones; then compares each answer with its recording.
/// </summary>
internal sealed class TranscriptReplayer
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Connection", TokenBroker.TokenHeader,
    };

    private readonly HttpClient _client;
    private readonly TokenBroker _tokens;
    private readonly IdMap _ids = new();
    private readonly ExchangeComparer _comparer;

    public TranscriptReplayer(HttpClient client, IReadOnlyList<Transcript> transcripts)
    {
        _client = client;
        _tokens = new TokenBroker(client);
        _tokens.LearnIssuers(transcripts);
        _comparer = new ExchangeComparer(_ids, PfnStructure.FromProtocolDefinitions(transcripts), client.BaseAddress!.ToString().TrimEnd('/'));
    }

    /// <summary>Replays a transcript; returns one line per difference, prefixed with the exchange.</summary>
    public async Task<IReadOnlyList<string>> ReplayAsync(Transcript transcript, CancellationToken cancellationToken)
    {
        var mismatches = new List<string>();
        foreach (var exchange in transcript.Exchanges)
        {
            LiveResponse live;
            try
            {
                live = await SendAsync(exchange.Request, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                mismatches.Add($"{exchange}: request failed: {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            _tokens.Observe(exchange, live);
            mismatches.AddRange(_comparer.Compare(transcript.FileName, exchange, live).Select(m => $"{exchange}: {m}"));
        }

        return mismatches;
    }

    /// <summary>Runs an interlude as root; returns the problems (unexpected statuses), which later steps will feel.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(Interlude interlude, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var token = await _tokens.LiveTokenForAccountAsync("root", "ddmlab", "secret", cancellationToken);
        foreach (var step in interlude.Requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(step.Method), step.Path);
            request.Headers.TryAddWithoutValidation(TokenBroker.TokenHeader, token);
            if (step.Body is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(step.Body));
            }

            using var response = await _client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if ((int)response.StatusCode != step.ExpectedStatus)
            {
                problems.Add($"{interlude.Name}: {step.Method} {step.Path} answered {(int)response.StatusCode} (expected {step.ExpectedStatus}): {Truncate(body)}");
                continue;
            }

            if (step.RecordedRuleId is not null)
            {
                BindCreatedRule(step.RecordedRuleId, body, interlude.Name, problems);
            }
        }

        return problems;
    }

    private void BindCreatedRule(string recordedRuleId, string body, string where, List<string> problems)
    {
        try
        {
            using var ruleIds = JsonDocument.Parse(body);
            var problem = _ids.Observe(recordedRuleId, ruleIds.RootElement[0].GetString()!);
            if (problem is not null)
            {
                problems.Add($"{where}: {problem}");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or IndexOutOfRangeException)
        {
            problems.Add($"{where}: POST /rules/ body is not a JSON list of ids: {Truncate(body)}");
        }
    }

    private async Task<LiveResponse> SendAsync(RecordedRequest recorded, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(recorded.Method), _ids.Substitute(recorded.PathAndQuery));
        foreach (var header in recorded.Headers.Where(h => !NotForwarded.Contains(h.Name)))
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }

        if (recorded.Header(TokenBroker.TokenHeader) is { } recordedToken)
        {
            request.Headers.TryAddWithoutValidation(TokenBroker.TokenHeader, await _tokens.LiveTokenForAsync(recordedToken, cancellationToken));
        }

        if (recorded.Header("Content-Length") is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(_ids.Substitute(recorded.Body)));
            if (recorded.Header("Content-Type") is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await LiveResponse.ReadAsync(response, cancellationToken);
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..197] + "...";
}
