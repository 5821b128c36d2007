using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rucio.Sandbox.Auth;

/// <summary>
/// The identity behind a verified TLS client chain, in Rucio's DN form (e.g. <c>/C=CH/O=CERN/CN=Jane Doe</c>).
/// For an RFC 3820 proxy that is the end-entity certificate that issued the proxy chain, as on a real Rucio server.
/// </summary>
internal static class ClientDistinguishedName
{
    private const string ProxyCertInfoOid = "1.3.6.1.5.5.7.1.14";

    /// <summary>
    /// The DN of the first non-proxy certificate of <paramref name="verifiedChain"/> (presented certificate first),
    /// or null without a client certificate. The chain must come from the TLS layer's verification, which has
    /// checked the proxy links (signatures, validity, RFC 3820 naming) and the user certificate's CA.
    /// </summary>
    public static string? Of(IReadOnlyList<X509Certificate2>? verifiedChain)
    {
        var endEntity = verifiedChain?.FirstOrDefault(certificate => !IsRfc3820Proxy(certificate));
        return endEntity is null ? null : SlashDn(endEntity.SubjectName);
    }

    /// <summary>Rucio's DN form: RDNs in encoded order, each as "/KEY=value".</summary>
    internal static string SlashDn(X500DistinguishedName name)
    {
        var parts = name.EnumerateRelativeDistinguishedNames(reversed: false)
            .Select(rdn => "/" + ShortName(rdn.GetSingleElementType()) + "=" + rdn.GetSingleElementValue());
        return string.Concat(parts);
    }

    private static bool IsRfc3820Proxy(X509Certificate2 certificate)
        => certificate.Extensions.Any(extension => extension.Oid?.Value == ProxyCertInfoOid);

    private static string ShortName(Oid type) => type.Value switch
    {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "emailAddress",
        _ => type.FriendlyName ?? type.Value ?? "?",
    };
}
