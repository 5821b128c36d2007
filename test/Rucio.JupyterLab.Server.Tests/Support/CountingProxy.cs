using System.Collections.Concurrent;
using System.Text;

namespace Rucio.JupyterLab.Server.Tests.Support;

/// <summary>
/// An HTTP reverse proxy in front of the Sandbox that records every request the backend makes to "Rucio" (method,
/// path, headers, and the body of POST /replicas/list), so tests can count calls per endpoint black-box.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private CountingProxy(WebApplication app, HttpClient forward)
    {
        _app = app;
        _forward = forward;
    }

    public Uri Uri => new(_app.Urls.First());

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<CountingProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var forward = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = target, Timeout = TimeSpan.FromMinutes(5) };
        var proxy = new CountingProxy(app, forward);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        return proxy;
    }

    public void Clear() => _requests.Clear();

    /// <summary>
    /// When set and it returns a body for a request, the proxy answers with that NDJSON body instead of forwarding:
    /// how a test reproduces a listing read at an earlier moment than the others.
    /// </summary>
    public Func<RecordedRequest, string?>? Answer { get; set; }

    /// <summary>Requests whose "METHOD path" (no query) matches, e.g. "GET /dids/opendata/x/files".</summary>
    public int Count(Func<RecordedRequest, bool> predicate) => Requests.Count(predicate);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _forward.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var path = request.Path.Value ?? "/";
        var recorded = new RecordedRequest(
            request.Method,
            Uri.UnescapeDataString(path),
            request.QueryString.Value ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            path.EndsWith("/replicas/list", StringComparison.Ordinal) ? Encoding.UTF8.GetString(body.ToArray()) : null);
        _requests.Enqueue(recorded);

        if (Answer?.Invoke(recorded) is { } answer)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/x-json-stream";
            await context.Response.WriteAsync(answer, context.RequestAborted);
            return;
        }

        using var outbound = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.Value + request.QueryString.Value);
        if (body.Length > 0 || request.ContentLength is not null)
        {
            outbound.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!outbound.Headers.TryAddWithoutValidation(name, value.ToArray()))
            {
                outbound.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        using var response = await _forward.SendAsync(outbound, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}

/// <summary>One request as the proxy saw it.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    public override string ToString() => $"{Method} {Path}";
}
