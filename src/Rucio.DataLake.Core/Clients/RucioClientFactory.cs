using System.Collections.Concurrent;
using System.Security.Cryptography;
using Rucio.Client;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;

namespace Rucio.DataLake.Core.Clients;

/// <summary>Transport settings of the clients the factory builds.</summary>
internal sealed record RucioClientFactoryOptions
{
    /// <summary>Per-attempt timeout of a Rucio call (for listings: the longest wait for more data).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries of transient failures; kept low because a person is waiting on the panel.</summary>
    public int MaxRetries { get; init; } = 2;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public string UserAgent { get; init; } = "rucio-jupyterlab-dotnet/1.0";
}

/// <summary>Credentials cannot be turned into a Rucio identity; the message says what the user should do.</summary>
internal sealed class CredentialsUnavailableException(string message) : Exception(message);

/// <summary>
/// Builds one <see cref="RucioClient"/> per instance and identity and reuses it, so its token is reused. The cache
/// key covers every input (instance endpoints, CA, VO, app id, method, credential fingerprint), so saving new
/// credentials or a refreshed remote configuration leads to a new client on the next call. Replaced clients are
/// disposed once the last lease on them ends. OIDC tokens are not part of the key: the client reads them from the
/// environment variable or file at each use. VOMS proxies are a storage-access concern and belong to the transfer
/// engines, which receive the same <see cref="X509CertificateCredentials"/>; Rucio itself accepts the plain certificate.
/// </summary>
internal sealed class RucioClientFactory(RucioClientFactoryOptions options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>A lease on the cached client for this instance and identity; dispose it when the call is done.</summary>
    /// <exception cref="CredentialsUnavailableException">The credentials cannot be used (e.g. OIDC not configured).</exception>
    public RucioClientLease Acquire(InstanceConfig instance, AuthType authType, StoredCredentials? credentials)
    {
        var (credential, account) = ResolveCredential(instance, authType, credentials);
        var key = CacheKey(instance, authType, credentials);
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                // The previous client of this instance is retired: it served credentials that are no longer current.
                RetireWhere(e => e.Instance == instance.Name && e.AuthType == authType);
                entry = new Entry(instance.Name, authType, Create(instance, credential, account));
                _entries[key] = entry;
            }

            return entry.Lease();
        }
    }

    /// <summary>
    /// A client outside the cache, owned by the caller: used to test credentials before they are saved, so a
    /// failed test leaves the working client in place.
    /// </summary>
    public RucioClient CreateUncached(InstanceConfig instance, AuthType authType, StoredCredentials? credentials)
    {
        var (credential, account) = ResolveCredential(instance, authType, credentials);
        return Create(instance, credential, account);
    }

    /// <summary>Drops the clients (and so the tokens) of one instance.</summary>
    public void Invalidate(string instance)
    {
        lock (_gate)
        {
            RetireWhere(e => e.Instance == instance);
        }
    }

    /// <summary>Drops every client and token (purge-cache).</summary>
    public void InvalidateAll()
    {
        lock (_gate)
        {
            RetireWhere(_ => true);
        }
    }

    public void Dispose() => InvalidateAll();

    /// <summary>How the credentials authenticate: the client credential and the account to request.</summary>
    internal static (RucioCredential Credential, string? Account) ResolveCredential(InstanceConfig instance, AuthType authType, StoredCredentials? credentials)
    {
        switch (authType)
        {
            case AuthType.UserPass when credentials is UserPassCredentials userPass:
                return (RucioCredential.UserPass(userPass.Username, userPass.Password), userPass.Account);
            case AuthType.X509 when credentials is X509CertificateCredentials x509:
                return (RucioCredential.X509(x509.CertificatePath, x509.EffectiveKeyPath), x509.Account);
            case AuthType.X509Proxy when credentials is X509ProxyCredentials proxy:
                return (RucioCredential.X509Proxy(proxy.ProxyPath), proxy.Account);
            case AuthType.Oidc:
                var oidc = credentials as OidcCredentials;
                if (oidc?.TokenPath is { } tokenPath)
                {
                    return (RucioCredential.OidcTokenFromFile(tokenPath), oidc.Account);
                }

                return instance.OidcAuth switch
                {
                    OidcTokenLocation.Environment when instance.OidcEnvName is { } variable =>
                        (RucioCredential.OidcTokenFromEnvironment(variable), oidc?.Account),
                    OidcTokenLocation.File when instance.OidcFileName is { } file =>
                        (RucioCredential.OidcTokenFromFile(file), oidc?.Account),
                    _ => throw new CredentialsUnavailableException(
                        $"OpenID Connect is not configured for instance '{instance.Name}' (no oidc_auth with oidc_env_name or oidc_file_name) and no token file was given. Choose a token file in Settings or another authentication method."),
                };
            default:
                throw new CredentialsUnavailableException(
                    $"No {authType.ToWireName()} credentials are saved for instance '{instance.Name}'. Enter them in Settings.");
        }
    }

    private RucioClient Create(InstanceConfig instance, RucioCredential credential, string? account)
    {
        var clientOptions = new RucioClientOptions
        {
            BaseUri = instance.BaseUrl,
            AuthUri = instance.AuthUrl,
            Account = account,
            Vo = instance.Vo,
            AppId = instance.AppId,
            Credential = credential,
            CaCertificatePath = instance.CaCertPath,
            Timeout = options.Timeout,
            Retry = new RetryOptions { MaxRetries = options.MaxRetries, Delay = options.RetryDelay },
            TimeProvider = time,
            UserAgent = options.UserAgent,
        };
        try
        {
            return new RucioClient(clientOptions);
        }
        catch (RucioException ex) when (ex.ErrorCode == RucioException.InvalidCredentialCode && instance.CaCertPath is not null)
        {
            // The client reads the CA bundle when it is built; say which setting points at it.
            throw new RucioException($"Instance '{instance.Name}', key 'rucio_ca_cert': {ex.Message}", 0, RucioException.InvalidCredentialCode, ex);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new RucioException(
                $"The CA bundle '{instance.CaCertPath}' of instance '{instance.Name}' (rucio_ca_cert) cannot be read: {ex.Message}",
                0,
                RucioException.InvalidCredentialCode,
                ex);
        }
    }

    private static string CacheKey(InstanceConfig instance, AuthType authType, StoredCredentials? credentials) =>
        string.Join('\n',
            instance.Name, instance.BaseUrl, instance.EffectiveAuthUrl, instance.CaCertPath, instance.Vo, instance.AppId,
            instance.OidcAuth, instance.OidcEnvName, instance.OidcFileName, authType.ToWireName(), credentials?.Fingerprint());

    private void RetireWhere(Func<Entry, bool> predicate)
    {
        foreach (var (key, entry) in _entries)
        {
            if (predicate(entry) && _entries.TryRemove(key, out _))
            {
                entry.Retire();
            }
        }
    }

    private sealed class Entry(string instance, AuthType authType, RucioClient client)
    {
        private readonly Lock _sync = new();
        private int _leases;
        private bool _retired;

        public string Instance { get; } = instance;

        public AuthType AuthType { get; } = authType;

        public RucioClientLease Lease()
        {
            lock (_sync)
            {
                _leases++;
            }

            return new RucioClientLease(client, Release);
        }

        public void Retire()
        {
            lock (_sync)
            {
                _retired = true;
                if (_leases == 0)
                {
                    client.Dispose();
                }
            }
        }

        private void Release()
        {
            lock (_sync)
            {
                if (--_leases == 0 && _retired)
                {
                    client.Dispose();
                }
            }
        }
    }
}

/// <summary>Use of a cached <see cref="RucioClient"/>; the client stays alive until every lease is disposed.</summary>
internal sealed class RucioClientLease(RucioClient client, Action release) : IDisposable
{
    private int _disposed;

    public RucioClient Client => Volatile.Read(ref _disposed) == 0 ? client : throw new ObjectDisposedException(nameof(RucioClientLease));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            release();
        }
    }
}
