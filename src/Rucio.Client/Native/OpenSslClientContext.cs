using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rucio.Client.Native;

/// <summary>
/// An OpenSSL TLS client context that presents a certificate with an explicit chain and verifies servers against
/// the system CAs plus an optional CA bundle (a file or a directory such as /etc/grid-security/certificates).
/// </summary>
/// <remarks>
/// Why this exists: on Linux every managed way to give SslStream a client certificate ends in an OpenSSL chain
/// build of that certificate (SslStreamCertificateContext.Create with or without additional certificates or an
/// SslCertificateTrust, SslClientAuthenticationOptions.ClientCertificates, LocalCertificateSelectionCallback).
/// For an RFC 3820 proxy OpenSSL reports X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED (40), which .NET cannot map
/// and turns into a CryptographicException (dotnet/runtime#41916), so the handshake never starts. OpenSSL itself
/// sends a configured chain as is, without building or judging it, which is exactly what a grid client needs.
/// </remarks>
internal sealed class OpenSslClientContext : IDisposable
{
    private OpenSslClientContext(SafeSslContextHandle handle) => Handle = handle;

    /// <summary>True on Linux with libssl 3 (or 1.1.1) installed.</summary>
    public static bool IsSupported => OpenSsl.IsAvailable;

    public SafeSslContextHandle Handle { get; }

    /// <summary>
    /// A context presenting <paramref name="certificate"/> (which must carry its private key) followed by
    /// <paramref name="chain"/> in that order. Server certificates are always verified, host names too.
    /// </summary>
    public static OpenSslClientContext Create(X509Certificate2 certificate, X509Certificate2Collection chain, string? caCertificatePath)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("OpenSSL (libssl.so.3 or libssl.so.1.1) is not available.");
        }

        OpenSsl.ERR_clear_error();
        var handle = OpenSsl.SSL_CTX_new(OpenSsl.TLS_client_method());
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new InvalidOperationException("OpenSSL could not create a TLS context: " + OpenSsl.DrainErrors());
        }

        var context = new OpenSslClientContext(handle);
        try
        {
            context.UseCertificateAndKey(certificate);
            foreach (var element in chain)
            {
                using var x509 = LoadCertificate(element.RawData);
                Check(OpenSsl.AddChainCertificate(handle, x509), "OpenSSL refused a chain certificate");
            }

            Check(OpenSsl.RequireTls12OrNewer(handle), "OpenSSL cannot restrict the protocol to TLS 1.2+");
            OpenSsl.SSL_CTX_set_verify(handle, OpenSsl.SSL_VERIFY_PEER, IntPtr.Zero);
            Check(OpenSsl.SSL_CTX_set_default_verify_paths(handle) == 1, "OpenSSL cannot load the system CA certificates");
            if (!string.IsNullOrEmpty(caCertificatePath))
            {
                context.TrustCaCertificates(caCertificatePath);
            }

            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public void Dispose() => Handle.Dispose();

    private void UseCertificateAndKey(X509Certificate2 certificate)
    {
        using var x509 = LoadCertificate(certificate.RawData);
        var pkcs8 = ExportPrivateKey(certificate);
        try
        {
            using var bio = SafeBioHandle.FromBytes(pkcs8);
            using var key = OpenSsl.d2i_PrivateKey_bio(bio, IntPtr.Zero);
            Check(!key.IsInvalid, "OpenSSL cannot read the private key");
            Check(OpenSsl.SSL_CTX_use_certificate(Handle, x509) == 1, "OpenSSL refused the certificate");
            Check(OpenSsl.SSL_CTX_use_PrivateKey(Handle, key) == 1, "OpenSSL refused the private key");
            Check(OpenSsl.SSL_CTX_check_private_key(Handle) == 1, "The private key does not belong to the certificate");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>
    /// Same files as the managed validator (<see cref="CaBundleValidator.FromPemFile"/>): a PEM bundle, or every
    /// <c>*.pem</c> / <c>*.0</c> file of a CA directory, so a directory works without OpenSSL hash links.
    /// </summary>
    private void TrustCaCertificates(string path)
    {
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.pem").Concat(Directory.EnumerateFiles(path, "*.0")).ToList()
            : [path];
        foreach (var file in files)
        {
            if (OpenSsl.SSL_CTX_load_verify_locations(Handle, file, null) != 1)
            {
                throw new RucioException(
                    $"Cannot read the CA bundle '{file}': {OpenSsl.DrainErrors()}", 0, RucioException.InvalidCredentialCode);
            }
        }
    }

    private static SafeX509Handle LoadCertificate(byte[] der)
    {
        using var bio = SafeBioHandle.FromBytes(der);
        var x509 = OpenSsl.d2i_X509_bio(bio, IntPtr.Zero);
        if (x509.IsInvalid)
        {
            x509.Dispose();
            Check(false, "OpenSSL cannot read a certificate");
        }

        return x509;
    }

    /// <summary>The key as PKCS#8 DER; the caller wipes the array. Grid proxies use RSA, ECDSA is accepted too.</summary>
    private static byte[] ExportPrivateKey(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey();
        if (key is null)
        {
            throw new RucioException(
                "The certificate has no RSA or ECDSA private key usable for TLS client authentication.", 0, RucioException.InvalidCredentialCode);
        }

        return key.ExportPkcs8PrivateKey();
    }

    private static void Check(bool succeeded, string what)
    {
        if (!succeeded)
        {
            throw new RucioException($"{what}: {OpenSsl.DrainErrors()}", 0, RucioException.InvalidCredentialCode);
        }
    }
}
