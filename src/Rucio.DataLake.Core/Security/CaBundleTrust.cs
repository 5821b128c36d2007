using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Rucio.DataLake.Core.Security;

/// <summary>
/// Server certificate validation that trusts a PEM bundle in addition to the system roots, as grid CAs are
/// usually not in the system store. Host name mismatches are never accepted, and validation is never disabled.
/// </summary>
internal static class CaBundleTrust
{
    /// <summary>An HTTP handler trusting <paramref name="caBundlePath"/> (when given) besides the system roots.</summary>
    public static SocketsHttpHandler CreateHandler(string? caBundlePath, TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        };
        if (caBundlePath is not null)
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(caBundlePath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                Validate(bundle, certificate, chain, errors);
        }

        return handler;
    }

    internal static bool Validate(X509Certificate2Collection bundle, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only an untrusted chain can be rescued by the bundle; a wrong host name or no certificate cannot.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || bundle.Count == 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        foreach (var ca in bundle)
        {
            // Only self-signed certificates are anchors; intermediates of the bundle just help build the chain.
            var selfSigned = ca.SubjectName.RawData.AsSpan().SequenceEqual(ca.IssuerName.RawData);
            (selfSigned ? custom.ChainPolicy.CustomTrustStore : custom.ChainPolicy.ExtraStore).Add(ca);
        }

        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (certificate is X509Certificate2 leaf)
        {
            return custom.Build(leaf);
        }

        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(copy);
    }
}
