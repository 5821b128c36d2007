using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Auth;

/// <summary>
/// Validates TLS client certificates against <c>--tls-client-ca</c>, accepting RFC 3820 / legacy Globus proxy
/// chains, and remembers the end-entity DN (Rucio's slash form, e.g. <c>/C=CH/O=CERN/CN=Jane Doe</c>) so that
/// /auth/x509 can map it to an identity. The platform chain builder refuses proxy certificates, so the proxy
/// links are verified here signature by signature and only the end-entity certificate goes through X509Chain.
/// </summary>
internal sealed class ClientCertificateRegistry(SandboxOptions options, TimeProvider time)
{
    private const string ProxyCertInfoOid = "1.3.6.1.5.5.7.1.14";
    private const int MaxRemembered = 1024;
    private readonly ConcurrentDictionary<string, string> _dnByThumbprint = new(StringComparer.Ordinal);
    private readonly Lazy<X509Certificate2Collection> _trustedAuthorities = new(() => LoadAuthorities(options.TlsClientCaPath));

    public bool Validate(X509Certificate2 leaf, X509Chain? chain, SslPolicyErrors errors)
    {
        try
        {
            var presented = new List<X509Certificate2> { leaf };
            if (chain is not null)
            {
                // SslStream hands over the peer's extra certificates in ExtraStore; the elements cover the rest.
                presented.AddRange(chain.ChainPolicy.ExtraStore);
                presented.AddRange(chain.ChainElements.Select(e => e.Certificate));
                presented = presented.DistinctBy(c => c.Thumbprint).ToList();
            }

            var endEntity = WalkProxies(leaf, presented);
            if (endEntity is null || !ValidateEndEntity(endEntity, presented))
            {
                return false;
            }

            if (_dnByThumbprint.Count > MaxRemembered)
            {
                _dnByThumbprint.Clear();
            }

            _dnByThumbprint[leaf.Thumbprint] = SlashDn(endEntity.SubjectName);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException)
        {
            // A malformed chain is simply not accepted; the TLS handshake fails for that client.
            return false;
        }
    }

    public string? DistinguishedNameOf(X509Certificate2? certificate)
        => certificate is not null && _dnByThumbprint.TryGetValue(certificate.Thumbprint, out var dn) ? dn : null;

    /// <summary>Rucio's DN form: RDNs in encoded order, each as "/KEY=value".</summary>
    internal static string SlashDn(X500DistinguishedName name)
    {
        var parts = name.EnumerateRelativeDistinguishedNames(reversed: false)
            .Select(rdn => "/" + ShortName(rdn.GetSingleElementType()) + "=" + rdn.GetSingleElementValue());
        return string.Concat(parts);
    }

    private X509Certificate2? WalkProxies(X509Certificate2 leaf, List<X509Certificate2> presented)
    {
        var current = leaf;
        for (var depth = 0; depth < 10; depth++)
        {
            if (!IsProxy(current))
            {
                return current;
            }

            var issuer = presented.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData));
            if (issuer is null || !IsWithinValidity(current) || !IsSignedBy(current, issuer))
            {
                return null;
            }

            current = issuer;
        }

        return null;
    }

    private bool ValidateEndEntity(X509Certificate2 endEntity, List<X509Certificate2> presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustedAuthorities.Value);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ExtraStore.AddRange(presented.Where(c => !IsProxy(c)).ToArray());
        return chain.Build(endEntity);
    }

    private bool IsWithinValidity(X509Certificate2 certificate)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return certificate.NotBefore.ToUniversalTime() <= now && now <= certificate.NotAfter.ToUniversalTime();
    }

    private static bool IsProxy(X509Certificate2 certificate)
    {
        if (certificate.Extensions.Any(e => e.Oid?.Value == ProxyCertInfoOid))
        {
            return true;
        }

        // Legacy Globus proxies: subject = issuer + one more CN ("proxy", "limited proxy" or a serial number).
        var subject = SlashDn(certificate.SubjectName);
        var issuer = SlashDn(certificate.IssuerName);
        return subject.StartsWith(issuer + "/CN=", StringComparison.Ordinal) && !subject[(issuer.Length + 4)..].Contains('/', StringComparison.Ordinal);
    }

    /// <summary>Checks the certificate's signature with the issuer's public key (RSA or ECDSA).</summary>
    private static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        var reader = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = reader.ReadEncodedValue().ToArray();
        var algorithm = reader.ReadSequence().ReadObjectIdentifier();
        var signature = reader.ReadBitString(out _);
        var hash = algorithm switch
        {
            "1.2.840.113549.1.1.11" or "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
            "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
            "1.2.840.113549.1.1.5" or "1.2.840.10045.4.1" => HashAlgorithmName.SHA1,
            _ => default,
        };
        if (hash == default)
        {
            return false;
        }

        using var rsa = issuer.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.VerifyData(tbs, signature, hash, RSASignaturePadding.Pkcs1);
        }

        using var ecdsa = issuer.GetECDsaPublicKey();
        return ecdsa is not null && ecdsa.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

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

    private static X509Certificate2Collection LoadAuthorities(string? path)
    {
        var collection = new X509Certificate2Collection();
        if (path is not null)
        {
            collection.ImportFromPemFile(path);
        }

        return collection;
    }
}

internal static class ClientCertificateRegistryExtensions
{
    /// <summary>Configures Kestrel's HTTPS from the --tls-* options.</summary>
    public static void ConfigureSandboxTls(this WebApplicationBuilder builder, SandboxOptions options, ClientCertificateRegistry registry)
    {
        if (!options.TlsEnabled)
        {
            return;
        }

        var certificate = X509Certificate2.CreateFromPemFile(options.TlsCertificatePath!, options.TlsKeyPath);

        // The slim builder leaves HTTPS out unless asked for.
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ServerCertificate = certificate;
            if (options.TlsClientCaPath is not null)
            {
                https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = registry.Validate;
            }
        }));
    }
}
