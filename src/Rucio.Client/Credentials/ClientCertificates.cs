using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rucio.Client.Native;

namespace Rucio.Client;

/// <summary>
/// A certificate, its key and chain ready for TLS client authentication, with the transport able to present them.
/// Loaded anew for every authentication (so renewed files are used) and disposed right after it.
/// </summary>
internal interface IClientCertificate : IDisposable
{
    /// <summary>The end-entity certificate presented first (a proxy or a user certificate).</summary>
    X509Certificate2 Certificate { get; }

    /// <summary>The certificates sent after <see cref="Certificate"/>.</summary>
    X509Certificate2Collection Chain { get; }

    /// <summary>A transport for the auth request; it verifies the server like every other request.</summary>
    HttpMessageHandler CreateTransport(RucioClientOptions options);
}

internal static class ClientCertificates
{
    /// <summary>
    /// SslStream when the runtime can build a certificate context; otherwise, on Linux, OpenSSL directly. The
    /// managed route fails for every RFC 3820 proxy on Linux (dotnet/runtime#41916, see
    /// <see cref="OpenSslClientContext"/>); it is still tried first so that a runtime fixing it is used as is.
    /// </summary>
    public static IClientCertificate Create(X509Certificate2 certificate, X509Certificate2Collection chain, string path)
    {
        try
        {
            var context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
            return new SslStreamClientCertificate(certificate, chain, context);
        }
        catch (CryptographicException) when (OpenSslClientContext.IsSupported)
        {
            return new OpenSslClientCertificate(certificate, chain);
        }
        catch (CryptographicException ex)
        {
            Dispose(certificate, chain);
            throw new RucioException(
                $"The .NET runtime cannot present the certificate chain of '{path}' for TLS client authentication on this "
                + "platform (dotnet/runtime#41916: RFC 3820 proxies), and OpenSSL is not available to do it instead. "
                + "Use the user certificate and key (X509 credential) or OIDC.",
                0,
                RucioException.InvalidCredentialCode,
                ex);
        }
    }

    internal static void Dispose(X509Certificate2 certificate, X509Certificate2Collection chain)
    {
        certificate.Dispose();
        foreach (var element in chain)
        {
            element.Dispose();
        }
    }
}

/// <summary>The certificate presented by SslStream (user certificates everywhere, proxies where the runtime can).</summary>
internal sealed class SslStreamClientCertificate(
    X509Certificate2 certificate, X509Certificate2Collection chain, SslStreamCertificateContext context) : IClientCertificate
{
    public X509Certificate2 Certificate => certificate;

    public X509Certificate2Collection Chain => chain;

    public SslStreamCertificateContext Context => context;

    public HttpMessageHandler CreateTransport(RucioClientOptions options) => RucioTransport.CreateHandler(options, context);

    public void Dispose() => ClientCertificates.Dispose(certificate, chain);
}

/// <summary>The certificate presented by OpenSSL directly (RFC 3820 proxies on Linux).</summary>
internal sealed class OpenSslClientCertificate(X509Certificate2 certificate, X509Certificate2Collection chain) : IClientCertificate
{
    public X509Certificate2 Certificate => certificate;

    public X509Certificate2Collection Chain => chain;

    public HttpMessageHandler CreateTransport(RucioClientOptions options) =>
        new OpenSslTransportHandler(OpenSslClientContext.Create(certificate, chain, options.CaCertificatePath), options.Timeout);

    public void Dispose() => ClientCertificates.Dispose(certificate, chain);
}
