using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rucio.Client;

/// <summary>A user certificate with its key, plus any chain certificates found in the certificate file.</summary>
internal sealed class X509CertificateCredential : RucioCredential
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly string? _keyPassphrase;

    public X509CertificateCredential(string certificatePemPath, string keyPemPath, string? keyPassphrase)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePemPath);
        ArgumentException.ThrowIfNullOrEmpty(keyPemPath);
        _certificatePath = certificatePemPath;
        _keyPath = keyPemPath;
        _keyPassphrase = keyPassphrase;
    }

    internal override Task<RucioToken> AcquireTokenAsync(AuthServerConnection connection, bool forceRefresh, CancellationToken cancellationToken) =>
        connection.RequestTokenAsync("auth/x509", [], () => LoadClientCertificate(connection.TimeProvider), cancellationToken);

    /// <summary>A certificate file may also hold a proxy (X509_USER_CERT=X509_USER_KEY=proxy is common on grids): that works too.</summary>
    internal IClientCertificate LoadClientCertificate(TimeProvider timeProvider)
    {
        var (leaf, additional) = LoadCertificates();
        try
        {
            PemCertificateLoader.EnsureCurrentlyValid(leaf, _certificatePath, timeProvider);
        }
        catch
        {
            ClientCertificates.Dispose(leaf, additional);
            throw;
        }

        return ClientCertificates.Create(leaf, additional, _certificatePath);
    }

    internal (X509Certificate2 Leaf, X509Certificate2Collection Additional) LoadCertificates()
    {
        var certificateText = PemCertificateLoader.ReadFile(_certificatePath, "certificate");
        var keyText = PemCertificateLoader.ReadFile(_keyPath, "private key");
        var leaf = PemCertificateLoader.CreateWithKey(certificateText, _certificatePath, keyText, _keyPassphrase, _keyPath);
        var additional = PemCertificateLoader.ReadCertificates(certificateText, skipFirst: true, _certificatePath);
        return (leaf, additional);
    }

    public override string ToString() => $"X509({_certificatePath})";
}

/// <summary>An RFC 3820 proxy: proxy certificate, its key and the issuing chain in one PEM file.</summary>
internal sealed class X509ProxyCredential : RucioCredential
{
    private readonly string _proxyPath;

    public X509ProxyCredential(string proxyPemPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(proxyPemPath);
        _proxyPath = proxyPemPath;
    }

    /// <summary>
    /// Rucio's own client sends proxies to /auth/x509_proxy; the server maps it to the same handler as /auth/x509.
    /// </summary>
    internal override Task<RucioToken> AcquireTokenAsync(AuthServerConnection connection, bool forceRefresh, CancellationToken cancellationToken) =>
        connection.RequestTokenAsync("auth/x509_proxy", [], () => LoadClientCertificate(connection.TimeProvider), cancellationToken);

    /// <summary>
    /// The server validates proxy → user certificate → CA, so the user certificate (and any intermediates) must
    /// travel in the handshake next to the proxy. On Linux this takes the OpenSSL route (see <see cref="ClientCertificates"/>).
    /// </summary>
    internal IClientCertificate LoadClientCertificate(TimeProvider timeProvider)
    {
        var (proxy, chain) = LoadCertificates();
        try
        {
            PemCertificateLoader.EnsureCurrentlyValid(proxy, _proxyPath, timeProvider);
        }
        catch
        {
            ClientCertificates.Dispose(proxy, chain);
            throw;
        }

        return ClientCertificates.Create(proxy, chain, _proxyPath);
    }

    internal (X509Certificate2 Proxy, X509Certificate2Collection Chain) LoadCertificates()
    {
        var text = PemCertificateLoader.ReadFile(_proxyPath, "proxy");
        var proxy = PemCertificateLoader.CreateWithKey(text, _proxyPath, text, passphrase: null, _proxyPath);
        var chain = PemCertificateLoader.ReadCertificates(text, skipFirst: true, _proxyPath);
        if (chain.Count == 0)
        {
            throw new RucioException(
                $"The proxy file '{_proxyPath}' holds no issuing certificate after the proxy certificate; the server could not verify it.",
                0,
                RucioException.InvalidCredentialCode);
        }

        return (proxy, chain);
    }

    public override string ToString() => $"X509Proxy({_proxyPath})";
}

/// <summary>PEM helpers shared by the X.509 credentials. Errors name the file, never key material or passphrases.</summary>
internal static class PemCertificateLoader
{
    public static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"Cannot read the {what} file '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>The first certificate of <paramref name="certificatePem"/> joined with the key found in <paramref name="keyPem"/>.</summary>
    public static X509Certificate2 CreateWithKey(
        string certificatePem, string certificatePath, string keyPem, string? passphrase, string keyPath)
    {
        var firstCertificate = FirstCertificateBlock(certificatePem, certificatePath);
        X509Certificate2 certificate;
        try
        {
            certificate = passphrase is null
                ? X509Certificate2.CreateFromPem(firstCertificate, keyPem)
                : X509Certificate2.CreateFromEncryptedPem(firstCertificate, keyPem, passphrase);
        }
        catch (CryptographicException ex)
        {
            var hint = passphrase is null && keyPem.Contains("ENCRYPTED", StringComparison.Ordinal)
                ? " The key is encrypted: a passphrase is required."
                : "";
            throw Invalid($"Cannot load the private key from '{keyPath}' for its certificate.{hint}", ex);
        }
        catch (ArgumentException ex)
        {
            throw Invalid($"No usable private key in '{keyPath}'.", ex);
        }

        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral keys CreateFromPem produces; a PKCS#12 round trip persists them.
            using (certificate)
            {
                return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
            }
        }

        return certificate;
    }

    public static X509Certificate2Collection ReadCertificates(string pem, bool skipFirst, string path)
    {
        var result = new X509Certificate2Collection();
        var remaining = pem.AsSpan();
        var index = 0;
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            if (remaining[fields.Label].SequenceEqual("CERTIFICATE") && index++ >= (skipFirst ? 1 : 0))
            {
                try
                {
                    result.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(remaining[fields.Base64Data].ToString())));
                }
                catch (Exception ex) when (ex is CryptographicException or FormatException)
                {
                    throw Invalid($"A certificate in '{path}' is malformed.", ex);
                }
            }

            remaining = remaining[fields.Location.End..];
        }

        return result;
    }

    public static void EnsureCurrentlyValid(X509Certificate2 certificate, string path, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        if (now > certificate.NotAfter.ToUniversalTime())
        {
            throw Invalid($"The certificate in '{path}' expired at {certificate.NotAfter.ToUniversalTime():u}; renew it (e.g. voms-proxy-init).", null);
        }
    }

    private static string FirstCertificateBlock(string pem, string path)
    {
        var remaining = pem.AsSpan();
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            if (remaining[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                return remaining[fields.Location].ToString();
            }

            remaining = remaining[fields.Location.End..];
        }

        throw Invalid($"No PEM certificate found in '{path}'.", null);
    }

    private static RucioException Invalid(string message, Exception? inner) =>
        new(message, 0, RucioException.InvalidCredentialCode, inner);
}
