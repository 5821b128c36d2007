namespace Rucio.Sandbox.Tests.Replay;

/// <summary>One recorded HTTP message header, kept in recording order (names may repeat).</summary>
internal sealed record RecordedHeader(string Name, string Value);

internal sealed record RecordedRequest(
    string Method,
    string PathAndQuery,
    IReadOnlyList<RecordedHeader> Headers,
    string Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;
}

internal sealed record RecordedResponse(
    int Status,
    IReadOnlyList<RecordedHeader> Headers,
    string Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>The media type without parameters, e.g. <c>text/html</c> for <c>text/html; charset=utf-8</c>.</summary>
    public string? MediaType => MediaTypes.Of(Header("Content-Type"));
}

internal sealed record RecordedExchange(int Index, RecordedRequest Request, RecordedResponse Response)
{
    public override string ToString() => $"#{Index} {Request.Method} {Request.PathAndQuery}";
}

/// <summary>A transcript file: one or more exchanges recorded against the real Rucio 1.31.7 server.</summary>
internal sealed record Transcript(string FileName, IReadOnlyList<RecordedExchange> Exchanges);

internal static class MediaTypes
{
    public static string? Of(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = semicolon < 0 ? contentType : contentType[..semicolon];
        return media.Trim().ToLowerInvariant();
    }
}
