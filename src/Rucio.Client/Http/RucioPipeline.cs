using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Rucio.Client;

/// <summary>One REST call as the area clients describe it.</summary>
internal sealed record RucioRequest(HttpMethod Method, string Path)
{
    public QueryBuilder? Query { get; init; }

    public byte[]? JsonBody { get; init; }

    public string Accept { get; init; } = RucioPipeline.JsonMediaType;

    /// <summary>Send without a token (e.g. /ping).</summary>
    public bool Anonymous { get; init; }

    /// <summary>Address the auth server (<see cref="RucioClientOptions.AuthUri"/>) instead of the base URI.</summary>
    public bool OnAuthServer { get; init; }

    public override string ToString() => $"{Method} /{Path}";
}

/// <summary>
/// Executes <see cref="RucioRequest"/>s over the handler pipeline: builds URLs under the base path, follows
/// same-origin redirects, maps failures to <see cref="RucioException"/> and reads JSON or NDJSON bodies.
/// </summary>
internal sealed class RucioPipeline(HttpClient http, RucioClientOptions options)
{
    public const string JsonMediaType = "application/json";
    public const string NdjsonMediaType = "application/x-json-stream";
    private const int MaxRedirects = 5;

    private readonly string _dataBase = NormalizeBase(options.BaseUri!);
    private readonly string _authBase = NormalizeBase(options.AuthUri ?? options.BaseUri!);

    /// <summary>The base URI as a string without trailing slash, so that paths are appended (keeping any prefix).</summary>
    public static string NormalizeBase(Uri baseUri) => baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>Escapes one path segment: '/' in DID names becomes %2F, ':' becomes %3A.</summary>
    public static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    public Uri BuildUri(RucioRequest request)
    {
        var query = request.Query is { IsEmpty: false } q ? "?" + q : "";
        return new Uri($"{(request.OnAuthServer ? _authBase : _dataBase)}/{request.Path}{query}");
    }

    /// <summary>Sends the request and returns a successful response whose body has not been read yet.</summary>
    public async Task<HttpResponseMessage> SendAsync(RucioRequest request, CancellationToken cancellationToken)
    {
        var uri = BuildUri(request);
        var method = request.Method;
        var body = request.JsonBody;
        for (var hop = 0; ; hop++)
        {
            var message = new HttpRequestMessage(method, uri);
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(request.Accept));
            if (body is not null)
            {
                message.Content = new ByteArrayContent(body);
                message.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
            }

            if (request.Anonymous)
            {
                message.Options.Set(AuthenticationHandler.Anonymous, true);
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw CreateConnectionException(message, ex);
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                var target = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (hop >= MaxRedirects || !IsSameOrigin(uri, target))
                {
                    // Following a redirect elsewhere would hand our token to another server.
                    throw new RucioException(
                        $"{request} was redirected to {target.GetLeftPart(UriPartial.Path)}, which the client does not follow.",
                        (int)response.StatusCode,
                        RucioException.InvalidResponseCode);
                }

                if (response.StatusCode == HttpStatusCode.SeeOther
                    || (response.StatusCode is HttpStatusCode.Moved or HttpStatusCode.Found && method != HttpMethod.Get && method != HttpMethod.Head))
                {
                    method = HttpMethod.Get;
                    body = null;
                }

                uri = target;
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    using var guard = StartGuard(cancellationToken);
                    throw await ReadGuardedAsync(
                        guard,
                        request,
                        () => RucioErrors.FromResponseAsync(response, guard.Token),
                        cancellationToken);
                }
            }

            return response;
        }
    }

    /// <summary>Sends the request; the success answer's body ("Created" or empty) carries nothing and is not read.</summary>
    public async Task SendWithoutResultAsync(RucioRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, cancellationToken);
    }

    public async Task<T> SendForJsonAsync<T>(RucioRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, cancellationToken);
        var body = await ReadBodyAsync(response, request, cancellationToken);
        return ParseJson(body, typeInfo, request, (int)response.StatusCode);
    }

    public async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, RucioRequest request, CancellationToken cancellationToken)
    {
        using var guard = StartGuard(cancellationToken);
        return await ReadGuardedAsync(guard, request, () => response.Content.ReadAsByteArrayAsync(guard.Token), cancellationToken);
    }

    public static T ParseJson<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> typeInfo, RucioRequest request, int status)
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo) ?? throw new JsonException("The body is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new RucioException($"{request} returned a body that is not the expected JSON: {ex.Message}", status, RucioException.InvalidResponseCode, ex);
        }
    }

    /// <summary>Streams an NDJSON listing: items are parsed and yielded as their lines arrive.</summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(
        RucioRequest request, LineParser<T> parser, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(request with { Accept = NdjsonMediaType }, cancellationToken);
        using var guard = new TimeoutGuard(options.Timeout, options.TimeProvider, cancellationToken);
        var reader = new NdjsonReader<T>(response, parser, guard, request.ToString(), cancellationToken);
        await using (reader)
        {
            while (await reader.MoveNextAsync())
            {
                yield return reader.Current;
            }
        }
    }

    public static LineParser<T> JsonLines<T>(JsonTypeInfo<T> typeInfo) =>
        line => JsonSerializer.Deserialize(line, typeInfo) ?? throw new JsonException("A line is JSON null.");

    public static RucioException CreateConnectionException(HttpRequestMessage request, HttpRequestException exception)
    {
        var target = request.RequestUri?.GetLeftPart(UriPartial.Path);
        var detail = exception.HttpRequestError == HttpRequestError.SecureConnectionError
            ? " (TLS failure: check the server certificate and the CA bundle)"
            : "";
        return new RucioException($"Cannot reach {target}{detail}: {exception.Message}", 0, RucioException.ConnectionErrorCode, exception);
    }

    private TimeoutGuard StartGuard(CancellationToken cancellationToken)
    {
        var guard = new TimeoutGuard(options.Timeout, options.TimeProvider, cancellationToken);
        guard.Restart();
        return guard;
    }

    private static async Task<TResult> ReadGuardedAsync<TResult>(
        TimeoutGuard guard, RucioRequest request, Func<Task<TResult>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not RucioException && !cancellationToken.IsCancellationRequested)
        {
            if (guard.TimedOut)
            {
                throw guard.CreateTimeoutException($"Reading the response of {request}", ex);
            }

            if (ex is IOException or HttpRequestException)
            {
                throw new RucioException($"The connection broke while reading the response of {request}: {ex.Message}", 0, RucioException.ConnectionErrorCode, ex);
            }

            throw;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool IsSameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
