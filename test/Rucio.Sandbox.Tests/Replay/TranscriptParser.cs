using System.Globalization;
using System.Text;

namespace Rucio.Sandbox.Tests.Replay;

/// <summary>
/// Reads the raw transcript format: <c>&gt;&gt;&gt; </c>-prefixed request line and headers, an empty <c>&gt;&gt;&gt;</c>
/// line, the unprefixed request body, then the same for the response with <c>&lt;&lt;&lt; </c>. Exchanges inside a
/// file are separated by a line of <c>=</c>.
/// </summary>
internal static class TranscriptParser
{
    private const string RequestPrefix = ">>>";
    private const string ResponsePrefix = "<<<";

    public static Transcript Parse(string fileName, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chunks = SplitExchanges(text.Replace("\r\n", "\n", StringComparison.Ordinal));
        var exchanges = new List<RecordedExchange>(chunks.Count);
        foreach (var chunk in chunks)
        {
            exchanges.Add(ParseExchange(fileName, exchanges.Count + 1, chunk));
        }

        if (exchanges.Count == 0)
        {
            throw new FormatException($"{fileName}: no exchange found.");
        }

        return new Transcript(fileName, exchanges);
    }

    private static List<string> SplitExchanges(string text)
    {
        var chunks = new List<string>();
        var current = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length >= 10 && line.All(c => c == '='))
            {
                AddIfNotBlank(chunks, current);
                continue;
            }

            current.Append(line).Append('\n');
        }

        AddIfNotBlank(chunks, current);
        return chunks;
    }

    private static void AddIfNotBlank(List<string> chunks, StringBuilder current)
    {
        var chunk = current.ToString();
        current.Clear();
        if (!string.IsNullOrWhiteSpace(chunk))
        {
            chunks.Add(chunk.TrimStart('\n'));
        }
    }

    private static RecordedExchange ParseExchange(string fileName, int index, string chunk)
    {
        var where = $"{fileName} exchange #{index}";
        var position = 0;
        var requestLine = ReadPrefixedLine(chunk, ref position, RequestPrefix, where)
            ?? throw new FormatException($"{where}: missing request line.");
        var requestParts = requestLine.Split(' ');
        if (requestParts.Length != 3 || !requestParts[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            throw new FormatException($"{where}: bad request line '{requestLine}'.");
        }

        var requestHeaders = ReadHeaders(chunk, ref position, RequestPrefix, where);
        var responseStart = FindLineStart(chunk, position, ResponsePrefix + " ")
            ?? throw new FormatException($"{where}: missing response.");
        var requestBody = CutBody(chunk[position..responseStart], requestHeaders);

        position = responseStart;
        var statusLine = ReadPrefixedLine(chunk, ref position, ResponsePrefix, where)!;
        var statusParts = statusLine.Split(' ', 3);
        if (statusParts.Length < 2 || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new FormatException($"{where}: bad status line '{statusLine}'.");
        }

        var responseHeaders = ReadHeaders(chunk, ref position, ResponsePrefix, where);
        var responseBody = CutBody(chunk[position..], responseHeaders);

        return new RecordedExchange(
            index,
            new RecordedRequest(requestParts[0], requestParts[1], requestHeaders, requestBody),
            new RecordedResponse(status, responseHeaders, responseBody));
    }

    /// <summary>Reads one <paramref name="prefix"/> line; returns its content, "" for the bare prefix, null at a non-prefixed line.</summary>
    private static string? ReadPrefixedLine(string chunk, ref int position, string prefix, string where)
    {
        if (position >= chunk.Length)
        {
            return null;
        }

        var end = chunk.IndexOf('\n', position);
        if (end < 0)
        {
            end = chunk.Length;
        }

        var line = chunk[position..end];
        if (line == prefix)
        {
            position = Math.Min(end + 1, chunk.Length);
            return string.Empty;
        }

        if (!line.StartsWith(prefix + " ", StringComparison.Ordinal))
        {
            return null;
        }

        position = Math.Min(end + 1, chunk.Length);
        var content = line[(prefix.Length + 1)..];
        return content.Length == 0 ? throw new FormatException($"{where}: empty '{prefix} ' line.") : content;
    }

    private static List<RecordedHeader> ReadHeaders(string chunk, ref int position, string prefix, string where)
    {
        var headers = new List<RecordedHeader>();
        while (true)
        {
            var line = ReadPrefixedLine(chunk, ref position, prefix, where)
                ?? throw new FormatException($"{where}: headers not terminated by a bare '{prefix}' line.");
            if (line.Length == 0)
            {
                return headers;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"{where}: bad header line '{line}'.");
            }

            headers.Add(new RecordedHeader(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
    }

    private static int? FindLineStart(string chunk, int from, string linePrefix)
    {
        for (var i = from; i < chunk.Length;)
        {
            if (string.CompareOrdinal(chunk, i, linePrefix, 0, linePrefix.Length) == 0)
            {
                return i;
            }

            var next = chunk.IndexOf('\n', i);
            if (next < 0)
            {
                return null;
            }

            i = next + 1;
        }

        return null;
    }

    /// <summary>
    /// The recorder wrote each body followed by blank lines, so the body is the text without them; Content-Length
    /// only tells whether the body's own final newline belongs to it. It cannot do more: the recordings were edited
    /// after capture (the storage paths in 04c, 05*, 13b* are 6 bytes shorter than their Content-Length says).
    /// </summary>
    private static string CutBody(string raw, List<RecordedHeader> headers)
    {
        var trimmed = raw.TrimEnd('\n');
        var lengthHeader = headers.FirstOrDefault(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));
        var bodyOwnsNewline = lengthHeader is null
            ? trimmed.Length > 0 // NDJSON: every line, the last one too, ends with a newline
            : int.Parse(lengthHeader.Value, NumberStyles.None, CultureInfo.InvariantCulture) == Encoding.UTF8.GetByteCount(trimmed) + 1;
        return bodyOwnsNewline && raw.Length > trimmed.Length ? trimmed + "\n" : trimmed;
    }
}
