namespace Rucio.Sandbox.Tests.Replay;

/// <summary>What the Sandbox answered to one replayed request.</summary>
/// <remarks>Framing (chunked or not) is not kept: the replay compares content; ContentNegotiationTests checks framing.</remarks>
internal sealed record LiveResponse(int Status, IReadOnlyList<RecordedHeader> Headers, string Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;

    public string? MediaType => MediaTypes.Of(Header("Content-Type"));

    public static async Task<LiveResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = new List<RecordedHeader>();
        foreach (var (name, values) in response.Headers)
        {
            headers.Add(new RecordedHeader(name, string.Join(", ", values)));
        }

        foreach (var (name, values) in response.Content.Headers)
        {
            headers.Add(new RecordedHeader(name, string.Join(", ", values)));
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new LiveResponse((int)response.StatusCode, headers, body);
    }
}
