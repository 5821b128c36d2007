using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rucio.Client;

/// <summary>Builds the real network handler: no automatic redirects, optional CA bundle, optional client certificate.</summary>
internal static class RucioTransport
{
    public static SocketsHttpHandler CreateHandler(RucioClientOptions options, SslStreamCertificateContext? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            // Redirects are followed by RucioPipeline, which refuses to carry the token to another origin.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };

        if (!string.IsNullOrEmpty(options.CaCertificatePath))
        {
            var validator = CaBundleValidator.FromPemFile(options.CaCertificatePath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                validator.Validate(certificate, chain, errors);
        }

        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificateContext = clientCertificate;
        }

        return handler;
    }
}

/// <summary>
/// Accepts a server certificate that the system trusts, or that chains to a CA of the configured bundle (grid CAs
/// are rarely in system stores). Host name mismatches and missing certificates are always rejected.
/// </summary>
internal sealed class CaBundleValidator
{
    private readonly X509Certificate2Collection _anchors = [];
    private readonly X509Certificate2Collection _intermediates = [];

    public CaBundleValidator(X509Certificate2Collection bundle)
    {
        foreach (var certificate in bundle)
        {
            // Only self-signed certificates are trust anchors; others help complete the chain.
            if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
            {
                _anchors.Add(certificate);
            }
            else
            {
                _intermediates.Add(certificate);
            }
        }

        if (_anchors.Count == 0)
        {
            throw new RucioException("The CA bundle contains no self-signed CA certificate.", 0, RucioException.InvalidCredentialCode);
        }
    }

    /// <summary>
    /// A PEM bundle, or a CA directory such as /etc/grid-security/certificates (the usual rucio.cfg <c>ca_cert</c>),
    /// where each CA is a <c>*.pem</c> file or an OpenSSL hash name <c>*.0</c>; policy and CRL files are ignored.
    /// </summary>
    public static CaBundleValidator FromPemFile(string path)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*.pem").Concat(Directory.EnumerateFiles(path, "*.0")))
                {
                    bundle.ImportFromPemFile(file);
                }
            }
            else
            {
                bundle.ImportFromPemFile(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new RucioException($"Cannot read the CA bundle '{path}': {ex.Message}", 0, RucioException.InvalidCredentialCode, ex);
        }

        return new CaBundleValidator(bundle);
    }

    public bool Validate(X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_anchors);
        chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
        // Like Rucio's Python client (requests), no revocation check: grid CRL endpoints are often unreachable.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return chain.Build(leaf);
        }
        finally
        {
            if (!ReferenceEquals(leaf, certificate))
            {
                leaf.Dispose();
            }
        }
    }
}
