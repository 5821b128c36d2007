namespace Rucio.Client;

/// <summary>
/// Hands out the current token: cached in memory (and optionally on disk), renewed
/// <see cref="RucioClientOptions.RenewBeforeExpiry"/> ahead of expiry and after a rejection. Concurrent callers
/// share a single renewal.
/// </summary>
internal sealed class TokenProvider : IDisposable
{
    private readonly RucioCredential _credential;
    private readonly AuthServerConnection _connection;
    private readonly RucioClientOptions _options;
    private readonly TokenFileCache? _fileCache;
    private readonly SemaphoreSlim _renewalGate = new(1, 1);
    private volatile CachedToken? _current;
    private bool _fileCacheConsulted;

    public TokenProvider(RucioCredential credential, AuthServerConnection connection, RucioClientOptions options)
    {
        _credential = credential;
        _connection = connection;
        _options = options;
        _fileCache = credential.IsLocal ? null : TokenFileCache.TryCreate(options.TokenCacheDirectory, options.Account);
    }

    private TimeProvider Clock => _options.TimeProvider;

    public async Task<RucioToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_credential.IsLocal)
        {
            return await _credential.AcquireTokenAsync(_connection, forceRefresh: false, cancellationToken);
        }

        var current = _current;
        if (IsFresh(current))
        {
            return current!.Token;
        }

        await _renewalGate.WaitAsync(cancellationToken);
        try
        {
            // Whoever held the gate before us may already have renewed.
            current = _current;
            if (IsFresh(current))
            {
                return current!.Token;
            }

            if (current is null && !_fileCacheConsulted)
            {
                _fileCacheConsulted = true;
                if (_fileCache?.TryRead() is { } cached)
                {
                    var fromDisk = new CachedToken(cached, RenewalTime(cached, Clock.GetUtcNow(), halveShortLifetimes: false));
                    if (IsFresh(fromDisk))
                    {
                        _current = fromDisk;
                        return cached;
                    }
                }
            }

            return await AcquireAndStoreAsync(cancellationToken);
        }
        finally
        {
            _renewalGate.Release();
        }
    }

    /// <summary>
    /// Called after the server rejected <paramref name="rejected"/>. Returns a different token to retry with, or null
    /// when there is none (an OIDC source still holding the same token).
    /// </summary>
    public async Task<RucioToken?> RenewAfterRejectionAsync(RucioToken rejected, CancellationToken cancellationToken)
    {
        if (_credential.IsLocal)
        {
            var reread = await _credential.AcquireTokenAsync(_connection, forceRefresh: true, cancellationToken);
            return reread.Value == rejected.Value ? null : reread;
        }

        await _renewalGate.WaitAsync(cancellationToken);
        try
        {
            var current = _current;
            if (current is not null && current.Token.Value != rejected.Value && IsFresh(current))
            {
                return current.Token;
            }

            return await AcquireAndStoreAsync(cancellationToken);
        }
        finally
        {
            _renewalGate.Release();
        }
    }

    /// <summary>Authenticates now, whatever is cached, and caches the result.</summary>
    public async Task<RucioToken> AuthenticateAsync(CancellationToken cancellationToken)
    {
        if (_credential.IsLocal)
        {
            return await _credential.AcquireTokenAsync(_connection, forceRefresh: true, cancellationToken);
        }

        await _renewalGate.WaitAsync(cancellationToken);
        try
        {
            return await AcquireAndStoreAsync(cancellationToken);
        }
        finally
        {
            _renewalGate.Release();
        }
    }

    private async Task<RucioToken> AcquireAndStoreAsync(CancellationToken cancellationToken)
    {
        var token = await _credential.AcquireTokenAsync(_connection, forceRefresh: true, cancellationToken);
        _current = new CachedToken(token, RenewalTime(token, Clock.GetUtcNow(), halveShortLifetimes: true));
        _fileCache?.TryWrite(token);
        return token;
    }

    private bool IsFresh(CachedToken? cached) => cached is not null && Clock.GetUtcNow() < cached.RenewAt;

    /// <summary>
    /// Renew <see cref="RucioClientOptions.RenewBeforeExpiry"/> before expiry, but for a token living shorter than
    /// twice that margin, at half its lifetime, so that short-lived tokens are not renewed on every call.
    /// </summary>
    private DateTimeOffset RenewalTime(RucioToken token, DateTimeOffset now, bool halveShortLifetimes)
    {
        if (token.ExpiresAt == DateTimeOffset.MaxValue)
        {
            return DateTimeOffset.MaxValue;
        }

        var margin = _options.RenewBeforeExpiry;
        var lifetime = token.ExpiresAt - now;
        if (halveShortLifetimes && lifetime > TimeSpan.Zero && lifetime < margin * 2)
        {
            margin = lifetime / 2;
        }

        return token.ExpiresAt - margin;
    }

    public void Dispose() => _renewalGate.Dispose();

    private sealed record CachedToken(RucioToken Token, DateTimeOffset RenewAt);
}
