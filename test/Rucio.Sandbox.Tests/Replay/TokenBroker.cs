using System.Net.Http.Headers;

namespace Rucio.Sandbox.Tests.Replay;

/// <summary>
/// Replaces the dead tokens of the recording by live ones. Every recorded token was issued by a recorded
/// <c>GET /auth/userpass</c>; the broker remembers which request issued it and repeats that request against the
/// Sandbox the first time the token is needed (the recording's credentials are the Sandbox's base data). Tokens no
/// recorded request issued (the deliberately bad one in 01f) pass through unchanged.
/// </summary>
internal sealed class TokenBroker(HttpClient client)
{
    public const string TokenHeader = "X-Rucio-Auth-Token";

    private static readonly string[] CredentialHeaders =
        ["X-Rucio-Account", "X-Rucio-Username", "X-Rucio-Password", "X-Rucio-AppID", "X-Rucio-VO"];

    private readonly Dictionary<string, RecordedRequest> _issuers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _liveByAccount = new(StringComparer.Ordinal);

    /// <summary>Learns which recorded auth request issued which recorded token.</summary>
    public void LearnIssuers(IEnumerable<Transcript> transcripts)
    {
        foreach (var exchange in transcripts.SelectMany(t => t.Exchanges))
        {
            var issued = exchange.Response.Header(TokenHeader);
            if (issued is not null)
            {
                _issuers[issued] = exchange.Request;
            }
        }
    }

    /// <summary>Remembers the live token the Sandbox issued when a recorded auth exchange was replayed.</summary>
    public void Observe(RecordedExchange exchange, LiveResponse live)
    {
        var recorded = exchange.Response.Header(TokenHeader);
        var issued = live.Header(TokenHeader);
        if (recorded is not null && issued is not null && live.Status == 200)
        {
            _live[recorded] = issued;
        }
    }

    public async Task<string> LiveTokenForAsync(string recordedToken, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(recordedToken, out var live))
        {
            return live;
        }

        if (!_issuers.TryGetValue(recordedToken, out var issuer))
        {
            return recordedToken;
        }

        live = await AuthenticateAsync(issuer.Headers.Where(h => CredentialHeaders.Contains(h.Name, StringComparer.OrdinalIgnoreCase)), cancellationToken);
        _live[recordedToken] = live;
        return live;
    }

    /// <summary>A live token for an account of the recording, for the steps that have no recorded request.</summary>
    public async Task<string> LiveTokenForAccountAsync(string account, string username, string password, CancellationToken cancellationToken)
    {
        if (_liveByAccount.TryGetValue(account, out var live))
        {
            return live;
        }

        live = await AuthenticateAsync(
            [new("X-Rucio-Account", account), new("X-Rucio-Username", username), new("X-Rucio-Password", password)],
            cancellationToken);
        _liveByAccount[account] = live;
        return live;
    }

    private async Task<string> AuthenticateAsync(IEnumerable<RecordedHeader> credentials, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/userpass");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        foreach (var header in credentials)
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }

        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode || !response.Headers.TryGetValues(TokenHeader, out var tokens))
        {
            // The status is enough to diagnose; the credentials must not end up in a test log.
            throw new InvalidOperationException($"the Sandbox refused the recording's credentials: HTTP {(int)response.StatusCode}.");
        }

        return tokens.First();
    }
}
