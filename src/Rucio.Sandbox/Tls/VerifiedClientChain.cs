using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Features;

namespace Rucio.Sandbox.Tls;

/// <summary>
/// The connection feature set once OpenSSL has completed a handshake. As <see cref="ITlsConnectionFeature"/> it
/// makes Kestrel treat the connection as HTTPS (request scheme, HttpContext.Connection.ClientCertificate) and
/// makes Kestrel's own TLS middleware step aside. <see cref="Certificates"/> is what a grid server needs beyond
/// that: the whole chain OpenSSL verified, so that a proxy can be traced back to its user certificate.
/// </summary>
internal sealed class VerifiedClientChain(IReadOnlyList<X509Certificate2> certificates) : ITlsConnectionFeature, IDisposable
{
    /// <summary>Presented certificate first (proxy or user certificate), trust anchor last; empty without a client certificate.</summary>
    public IReadOnlyList<X509Certificate2> Certificates => certificates;

    public X509Certificate2? ClientCertificate
    {
        get => certificates.Count > 0 ? certificates[0] : null;
        set => throw new NotSupportedException("The client certificate is the one OpenSSL verified; it cannot be replaced.");
    }

    /// <summary>The certificate is requested during the handshake, never later: there is nothing to wait for.</summary>
    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);

    public void Dispose()
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}
