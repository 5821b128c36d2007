namespace Rucio.Client;

/// <summary>
/// How the client obtains Rucio tokens. Create one with the static factories; the secret material is never
/// exposed by <see cref="object.ToString"/>.
/// </summary>
public abstract class RucioCredential
{
    private protected RucioCredential()
    {
    }

    /// <summary>Username and password (<c>GET /auth/userpass</c>).</summary>
    public static RucioCredential UserPass(string username, string password) => new UserPassCredential(username, password);

    /// <summary>
    /// A user certificate and key in PEM files (<c>GET /auth/x509</c> with TLS client authentication). The key may be
    /// an encrypted PKCS#8 key, then <paramref name="keyPassphrase"/> is required. The files are read at each
    /// authentication, so a renewed certificate is picked up.
    /// </summary>
    public static RucioCredential X509(string certificatePemPath, string keyPemPath, string? keyPassphrase = null) =>
        new X509CertificateCredential(certificatePemPath, keyPemPath, keyPassphrase);

    /// <summary>
    /// An RFC 3820 proxy file as written by voms-proxy-init (proxy certificate, its key, then the issuing user
    /// certificate and further chain certificates), sent to <c>GET /auth/x509_proxy</c> like Rucio's own client does.
    /// The whole chain is presented in the TLS handshake; on Linux the system OpenSSL (libssl 3 or 1.1.1) performs
    /// that handshake because .NET cannot present proxies there. The file is re-read at each authentication.
    /// </summary>
    public static RucioCredential X509Proxy(string proxyPemPath) => new X509ProxyCredential(proxyPemPath);

    /// <summary>An OIDC access token (JWT) used directly as the Rucio token until its <c>exp</c> claim.</summary>
    public static RucioCredential OidcToken(string token) => new OidcCredential(OidcTokenSource.FromValue(token));

    /// <summary>An OIDC access token read from an environment variable at every use.</summary>
    public static RucioCredential OidcTokenFromEnvironment(string variableName) =>
        new OidcCredential(OidcTokenSource.FromEnvironment(variableName));

    /// <summary>
    /// An OIDC access token read from a file, re-read whenever the file changes (JupyterHub refreshes it in place).
    /// </summary>
    public static RucioCredential OidcTokenFromFile(string path) => new OidcCredential(OidcTokenSource.FromFile(path));

    /// <summary>
    /// Local credentials (OIDC) produce their token without the auth server: the token is re-read at every call
    /// instead of being cached, and it is never written to the on-disk token cache.
    /// </summary>
    internal virtual bool IsLocal => false;

    /// <summary>Obtains a token. <paramref name="forceRefresh"/> asks local credentials to bypass their change detection.</summary>
    internal abstract Task<RucioToken> AcquireTokenAsync(AuthServerConnection connection, bool forceRefresh, CancellationToken cancellationToken);
}

internal sealed class UserPassCredential : RucioCredential
{
    private readonly string _username;
    private readonly string _password;

    public UserPassCredential(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        _username = username;
        _password = password;
    }

    internal override Task<RucioToken> AcquireTokenAsync(AuthServerConnection connection, bool forceRefresh, CancellationToken cancellationToken) =>
        connection.RequestTokenAsync(
            "auth/userpass",
            [new("X-Rucio-Username", _username), new("X-Rucio-Password", _password)],
            clientCertificate: null,
            cancellationToken);

    public override string ToString() => $"UserPass({_username})";
}
