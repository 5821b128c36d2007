namespace Rucio.Client;

/// <summary>
/// Sends token requests to the auth server. Plain requests share one pipeline (retry → timeout → transport);
/// X.509 requests get a fresh TLS handler carrying the client certificate, so data calls never depend on it and
/// a renewed proxy file is used as soon as it is re-read.
/// </summary>
internal sealed class AuthServerConnection : IDisposable
{
    /// <summary>Rucio's default token lifetime, assumed when the server omits the expiry header.</summary>
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(1);

    private readonly RucioClientOptions _options;
    private readonly HttpMessageHandler? _injectedTransport;
    private readonly HttpClient _sharedClient;
    private readonly string _authBase;

    public AuthServerConnection(RucioClientOptions options, HttpMessageHandler sharedTransport, HttpMessageHandler? injectedTransport)
    {
        _options = options;
        _injectedTransport = injectedTransport;
        _authBase = RucioPipeline.NormalizeBase(options.AuthUri ?? options.BaseUri!);
        _sharedClient = CreateClient(new SharedTransportHandler(sharedTransport));
    }

    public RucioClientOptions Options => _options;

    public TimeProvider TimeProvider => _options.TimeProvider;

    public async Task<RucioToken> RequestTokenAsync(
        string path,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        Func<IClientCertificate>? clientCertificate,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{_authBase}/{path}"));
        if (!string.IsNullOrEmpty(_options.Account))
        {
            request.Headers.TryAddWithoutValidation("X-Rucio-Account", _options.Account);
        }

        AddCommonHeaders(request, _options);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // Tests inject the transport and cannot do TLS: the certificate is then loaded (so file errors surface)
        // but requests go through the injected handler.
        using var certificate = clientCertificate?.Invoke();
        HttpClient? dedicatedClient = null;
        if (certificate is not null && _injectedTransport is null)
        {
            dedicatedClient = CreateClient(certificate.CreateTransport(_options));
        }

        try
        {
            using var response = await SendAsync(dedicatedClient ?? _sharedClient, request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw await RucioErrors.FromResponseAsync(response, cancellationToken);
            }

            return ParseTokenHeaders(response);
        }
        finally
        {
            dedicatedClient?.Dispose();
        }
    }

    internal static void AddCommonHeaders(HttpRequestMessage request, RucioClientOptions options)
    {
        request.Headers.Remove("X-Rucio-VO");
        request.Headers.Remove("X-Rucio-AppID");
        if (!string.IsNullOrEmpty(options.Vo))
        {
            request.Headers.TryAddWithoutValidation("X-Rucio-VO", options.Vo);
        }

        if (!string.IsNullOrEmpty(options.AppId))
        {
            request.Headers.TryAddWithoutValidation("X-Rucio-AppID", options.AppId);
        }
    }

    private RucioToken ParseTokenHeaders(HttpResponseMessage response)
    {
        var token = Header(response, "X-Rucio-Auth-Token");
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new RucioException(
                "The auth server accepted the credentials but returned no X-Rucio-Auth-Token header.",
                (int)response.StatusCode,
                RucioException.InvalidResponseCode);
        }

        var expiresAt = RucioDate.TryParse(Header(response, "X-Rucio-Auth-Token-Expires"), out var parsed)
            ? parsed
            : TimeProvider.GetUtcNow() + DefaultTokenLifetime;
        var account = Header(response, "X-Rucio-Auth-Account") ?? _options.Account;
        return new RucioToken(token.Trim(), expiresAt, account);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw RucioPipeline.CreateConnectionException(request, ex);
        }
    }

    private HttpClient CreateClient(HttpMessageHandler transport)
    {
        var pipeline = new RetryHandler(_options.Retry, _options.TimeProvider)
        {
            InnerHandler = new TimeoutHandler(_options.Timeout, _options.TimeProvider) { InnerHandler = transport },
        };
        var client = new HttpClient(pipeline, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        return client;
    }

    public void Dispose() => _sharedClient.Dispose();
}
