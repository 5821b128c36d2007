namespace Rucio.Client;

/// <summary>
/// Entry point of the Rucio REST API. Thread-safe; create one per server and credential and reuse it.
/// Pipeline: retry → authentication → per-attempt timeout → transport.
/// </summary>
public sealed class RucioClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpMessageHandler? _ownedTransport;
    private readonly AuthServerConnection _authConnection;
    private readonly TokenProvider _tokens;
    private readonly RucioPipeline _pipeline;

    /// <summary>Creates a client talking to the network.</summary>
    public RucioClient(RucioClientOptions options)
        : this(options, transport: null, injected: false)
    {
    }

    /// <summary>
    /// Creates a client sending every request (data and authentication) through <paramref name="transport"/>, which
    /// the client does not dispose. Intended for tests and custom transports; X.509 client certificates are loaded
    /// but cannot be presented through a custom transport.
    /// </summary>
    public RucioClient(RucioClientOptions options, HttpMessageHandler transport)
        : this(options, transport ?? throw new ArgumentNullException(nameof(transport)), injected: true)
    {
    }

    private RucioClient(RucioClientOptions options, HttpMessageHandler? transport, bool injected)
    {
        Options = Validate(options);
        var sharedTransport = transport;
        if (!injected)
        {
            _ownedTransport = RucioTransport.CreateHandler(Options, clientCertificate: null);
            sharedTransport = _ownedTransport;
        }

        _authConnection = new AuthServerConnection(Options, sharedTransport!, injected ? transport : null);
        _tokens = new TokenProvider(Options.Credential!, _authConnection, Options);

        var chain = new RetryHandler(Options.Retry, Options.TimeProvider)
        {
            InnerHandler = new AuthenticationHandler(_tokens, Options)
            {
                InnerHandler = new TimeoutHandler(Options.Timeout, Options.TimeProvider)
                {
                    InnerHandler = new SharedTransportHandler(sharedTransport!),
                },
            },
        };
        _http = new HttpClient(chain, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", Options.UserAgent);
        _pipeline = new RucioPipeline(_http, Options);

        Auth = new RucioAuthClient(_pipeline, _tokens);
        Accounts = new RucioAccountsClient(_pipeline);
        Scopes = new RucioScopesClient(_pipeline);
        Dids = new RucioDidsClient(_pipeline);
        Replicas = new RucioReplicasClient(_pipeline);
        Rules = new RucioRulesClient(_pipeline);
        Rses = new RucioRsesClient(_pipeline);
    }

    /// <summary>A snapshot of the options the client was built with; later changes to the caller's object have no effect.</summary>
    public RucioClientOptions Options { get; }

    public RucioAuthClient Auth { get; }

    public RucioAccountsClient Accounts { get; }

    public RucioScopesClient Scopes { get; }

    public RucioDidsClient Dids { get; }

    public RucioReplicasClient Replicas { get; }

    public RucioRulesClient Rules { get; }

    public RucioRsesClient Rses { get; }

    /// <summary>GET /ping (no authentication): the server version, e.g. "1.31.7".</summary>
    public async Task<string> PingAsync(CancellationToken cancellationToken = default)
    {
        var request = new RucioRequest(HttpMethod.Get, "ping") { Anonymous = true };
        var ping = await _pipeline.SendForJsonAsync(request, RucioJsonContext.Default.PingResponse, cancellationToken);
        return ping.Version ?? throw new RucioException("GET /ping answered without a version.", 200, RucioException.InvalidResponseCode);
    }

    public void Dispose()
    {
        _http.Dispose();
        _authConnection.Dispose();
        _tokens.Dispose();
        _ownedTransport?.Dispose();
    }

    private static RucioClientOptions Validate(RucioClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = new RucioClientOptions
        {
            BaseUri = options.BaseUri,
            AuthUri = options.AuthUri,
            Account = options.Account,
            Vo = options.Vo,
            AppId = options.AppId,
            Credential = options.Credential,
            CaCertificatePath = options.CaCertificatePath,
            Timeout = options.Timeout,
            Retry = new RetryOptions
            {
                MaxRetries = options.Retry?.MaxRetries ?? 0,
                Delay = options.Retry?.Delay ?? TimeSpan.Zero,
                MaxDelay = options.Retry?.MaxDelay ?? TimeSpan.Zero,
            },
            RenewBeforeExpiry = options.RenewBeforeExpiry,
            TokenCacheDirectory = options.TokenCacheDirectory,
            TimeProvider = options.TimeProvider ?? TimeProvider.System,
            UserAgent = string.IsNullOrWhiteSpace(options.UserAgent) ? new RucioClientOptions().UserAgent : options.UserAgent,
        };

        RequireHttpUri(copy.BaseUri, nameof(options.BaseUri), required: true);
        RequireHttpUri(copy.AuthUri, nameof(options.AuthUri), required: false);
        if (copy.Credential is null)
        {
            throw new ArgumentException("RucioClientOptions.Credential is required.", nameof(options));
        }

        if (copy.Timeout <= TimeSpan.Zero && copy.Timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("RucioClientOptions.Timeout must be positive.", nameof(options));
        }

        if (copy.Retry.MaxRetries < 0 || copy.Retry.Delay < TimeSpan.Zero || copy.Retry.MaxDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("RucioClientOptions.Retry values must not be negative.", nameof(options));
        }

        if (copy.RenewBeforeExpiry < TimeSpan.Zero)
        {
            throw new ArgumentException("RucioClientOptions.RenewBeforeExpiry must not be negative.", nameof(options));
        }

        return copy;
    }

    private static void RequireHttpUri(Uri? uri, string name, bool required)
    {
        if (uri is null)
        {
            if (required)
            {
                throw new ArgumentException($"RucioClientOptions.{name} is required.", name);
            }

            return;
        }

        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"RucioClientOptions.{name} must be an absolute http(s) URI.", name);
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query))
        {
            // Credentials in URLs leak into logs; a query would be dropped when paths are appended.
            throw new ArgumentException($"RucioClientOptions.{name} must not contain user info or a query.", name);
        }
    }
}
