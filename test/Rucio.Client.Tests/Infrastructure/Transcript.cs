using System.Net;
using System.Text;

namespace Rucio.Client.Tests.Infrastructure;

/// <summary>One raw HTTP exchange recorded from a real Rucio 1.31.7 server (files in Transcripts/).</summary>
public sealed class Transcript
{
    private static readonly HashSet<string> TransportHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Content-Length", "Transfer-Encoding", "Content-Type",
    };

    private Transcript()
    {
    }

    public string Method { get; private init; } = "";

    /// <summary>Path and query as sent, e.g. <c>/dids/user.root/dids/search?type=all&amp;name=%2A</c>.</summary>
    public string Target { get; private init; } = "";

    public string Path => Target.Split('?')[0];

    public IReadOnlyDictionary<string, string> Query => QueryString.Parse(Target.Contains('?') ? Target[Target.IndexOf('?')..] : "");

    public IReadOnlyDictionary<string, string> RequestHeaders { get; private init; } = new Dictionary<string, string>();

    public string? RequestBody { get; private init; }

    public int Status { get; private init; }

    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; private init; } = [];

    public string ResponseBody { get; private init; } = "";

    public string? ResponseContentType => ResponseHeaders.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;

    public static Transcript Load(string name)
    {
        var path = System.IO.Path.Combine(AppContext.BaseDirectory, "Transcripts", name.EndsWith(".txt", StringComparison.Ordinal) ? name : name + ".txt");
        var lines = File.ReadAllText(path).Split('\n');
        var index = 0;

        var requestLine = lines[index++][4..].Split(' ');
        var requestHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (lines[index] != ">>>")
        {
            var header = lines[index++][4..];
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            requestHeaders[header[..colon]] = header[(colon + 1)..].Trim();
        }

        index++;
        var requestBody = new StringBuilder();
        while (!lines[index].StartsWith("<<< ", StringComparison.Ordinal))
        {
            requestBody.Append(lines[index++]).Append('\n');
        }

        var statusLine = lines[index++][4..].Split(' ');
        var responseHeaders = new List<KeyValuePair<string, string>>();
        while (lines[index] != "<<<")
        {
            var header = lines[index++][4..];
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            responseHeaders.Add(new(header[..colon], header[(colon + 1)..].Trim()));
        }

        var body = string.Join('\n', lines[(index + 1)..]).TrimEnd('\n');
        var contentType = responseHeaders.FirstOrDefault(h => h.Key == "Content-Type").Value ?? "";
        if (contentType.StartsWith("application/x-json-stream", StringComparison.Ordinal) && body.Length > 0)
        {
            body += "\n"; // every NDJSON line, the last included, ends with a newline
        }

        var trimmedRequestBody = requestBody.ToString().Trim('\n');
        return new Transcript
        {
            Method = requestLine[0],
            Target = requestLine[1],
            RequestHeaders = requestHeaders,
            RequestBody = trimmedRequestBody.Length == 0 ? null : trimmedRequestBody,
            Status = int.Parse(statusLine[1], System.Globalization.CultureInfo.InvariantCulture),
            ResponseHeaders = responseHeaders,
            ResponseBody = body,
        };
    }

    public HttpResponseMessage ToResponse()
    {
        var response = new HttpResponseMessage((HttpStatusCode)Status)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(ResponseBody)),
        };
        if (ResponseContentType is { } contentType)
        {
            response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        foreach (var (name, value) in ResponseHeaders.Where(h => !TransportHeaders.Contains(h.Key)))
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
