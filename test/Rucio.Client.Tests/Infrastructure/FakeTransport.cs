using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Rucio.Client.Tests.Infrastructure;

/// <summary>A request as it reached the transport (after every handler of the client pipeline).</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    public string Path => Uri.AbsolutePath;

    public bool IsAuth => Uri.AbsolutePath.Contains("/auth/", StringComparison.Ordinal);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Decoded query parameters.</summary>
    public IReadOnlyDictionary<string, string> Query => QueryString.Parse(Uri.Query);
}

/// <summary>An <see cref="HttpMessageHandler"/> that records every request and answers with a scripted responder.</summary>
public sealed class FakeTransport(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    public FakeTransport(Func<RecordedRequest, HttpResponseMessage> respond)
        : this((request, _) => Task.FromResult(respond(request)))
    {
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public IReadOnlyList<RecordedRequest> AuthRequests => Requests.Where(r => r.IsAuth).ToList();

    public IReadOnlyList<RecordedRequest> DataRequests => Requests.Where(r => !r.IsAuth).ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        string? body = null;
        if (request.Content is not null)
        {
            body = await request.Content.ReadAsStringAsync(cancellationToken);
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(", ", values);
            }
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        Requests.Enqueue(recorded);
        var response = await respond(recorded, cancellationToken);
        response.RequestMessage ??= request;
        return response;
    }
}

/// <summary>Canned responses shaped like Rucio's.</summary>
public static class Responses
{
    public const string Token = "root-ddmlab-unknown-c32bd27467e54284b9a3b4eaf2029fca";

    public static HttpResponseMessage AuthToken(string token, DateTimeOffset expiresAt, string account = "root")
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        response.Headers.TryAddWithoutValidation("X-Rucio-Auth-Token", token);
        response.Headers.TryAddWithoutValidation("X-Rucio-Auth-Token-Expires", expiresAt.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation("X-Rucio-Auth-Account", account);
        return response;
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        Text(json, "application/json", status);

    public static HttpResponseMessage Ndjson(params string[] lines) =>
        Text(string.Concat(lines.Select(l => l + "\n")), "application/x-json-stream");

    public static HttpResponseMessage Text(string body, string contentType, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return response;
    }

    /// <summary>An error the way Rucio sends it: headers (message cut to 125 chars) plus the full JSON body.</summary>
    public static HttpResponseMessage Error(HttpStatusCode status, string exceptionClass, string message)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(
            new Dictionary<string, string> { ["ExceptionClass"] = exceptionClass, ["ExceptionMessage"] = message },
            TestJsonContext.Default.DictionaryStringString);
        var response = Text(body, "application/octet-stream", status);
        response.Headers.TryAddWithoutValidation("ExceptionClass", exceptionClass);
        response.Headers.TryAddWithoutValidation("ExceptionMessage", message.Length > 125 ? message[..125] + "..." : message);
        return response;
    }

    public static HttpResponseMessage CannotAuthenticate() =>
        Error(HttpStatusCode.Unauthorized, "CannotAuthenticate", "Cannot authenticate with given credentials");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

public static class QueryString
{
    /// <summary>Parses a query, decoding %XX and (as Python's urlencode writes spaces) '+'.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string query)
    {
        var result = new Dictionary<string, string>();
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            result[Uri.UnescapeDataString(key.Replace('+', ' '))] = Uri.UnescapeDataString(value.Replace('+', ' '));
        }

        return result;
    }
}
