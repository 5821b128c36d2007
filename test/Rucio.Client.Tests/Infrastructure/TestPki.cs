using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rucio.Client.Tests.Infrastructure;

/// <summary>
/// A throw-away PKI generated at test time: a CA, a user certificate (with a plain and an encrypted key) and
/// RFC 3820 proxies signed by the user certificate (ECDSA with a PKCS#8 key, and RSA with a PKCS#1 key as written
/// by voms-proxy-init), written as PEM files in a temporary directory.
/// </summary>
public sealed class TestPki : IDisposable
{
    public const string Passphrase = "correct horse battery staple";

    private const string ProxyCertInfoOid = "1.3.6.1.5.5.7.1.14";
    private const string InheritAllPolicyOid = "1.3.6.1.5.5.7.21.1";
    private const string CommonNameOid = "2.5.4.3";

    private readonly Lazy<(X509Certificate2 Certificate, string Path)> _rsaProxy;

    public TestPki()
    {
        Directory = Path.Combine(Path.GetTempPath(), "rucio-pki-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Ca = CreateCa("CN=Test Grid CA,O=Rucio Tests", caKey);

        var userKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var userRequest = new CertificateRequest("CN=Jane Doe,O=Rucio Tests", userKey, HashAlgorithmName.SHA256);
        userRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        userRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        using var userPublic = userRequest.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3]);
        User = userPublic.CopyWithPrivateKey(userKey);

        using var proxyKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Proxy = CreateProxy(User, userKey, proxyKey, "1234567");
        // RSA key generation is slow: only the tests that use the RSA proxy pay for it.
        _rsaProxy = new Lazy<(X509Certificate2, string)>(() =>
        {
            using var rsaProxyKey = RSA.Create(2048);
            var proxy = CreateProxy(User, userKey, rsaProxyKey, "7654321");
            var path = Write("x509up_rsa", proxy.ExportCertificatePem() + "\n" + rsaProxyKey.ExportRSAPrivateKeyPem() + "\n" + User.ExportCertificatePem() + "\n");
            return (proxy, path);
        });

        UserCertificatePath = Write("usercert.pem", User.ExportCertificatePem());
        UserKeyPath = Write("userkey.pem", userKey.ExportPkcs8PrivateKeyPem());
        EncryptedUserKeyPath = Write("userkey.enc.pem", userKey.ExportEncryptedPkcs8PrivateKeyPem(
            Passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        ProxyPath = Write("x509up", Proxy.ExportCertificatePem() + "\n" + proxyKey.ExportPkcs8PrivateKeyPem() + "\n" + User.ExportCertificatePem() + "\n");
        CaPath = Write("ca.pem", Ca.ExportCertificatePem());
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 User { get; }

    public X509Certificate2 Proxy { get; }

    public X509Certificate2 RsaProxy => _rsaProxy.Value.Certificate;

    public string UserCertificatePath { get; }

    public string UserKeyPath { get; }

    public string EncryptedUserKeyPath { get; }

    /// <summary>ECDSA proxy, PKCS#8 key.</summary>
    public string ProxyPath { get; }

    /// <summary>RSA proxy with a traditional "RSA PRIVATE KEY" block, the voms-proxy-init layout.</summary>
    public string RsaProxyPath => _rsaProxy.Value.Path;

    public string CaPath { get; }

    public static X509Certificate2 CreateCa(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>A TLS server certificate for <paramref name="host"/> issued by <paramref name="ca"/> (no private key).</summary>
    public static X509Certificate2 CreateServerCertificate(X509Certificate2 ca, string host)
    {
        using var withKey = CreateServerCertificateWithKey(ca, host);
        return X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    /// <summary>A TLS server certificate with its key; <paramref name="host"/> becomes a DNS or an IP address SAN.</summary>
    public static X509Certificate2 CreateServerCertificateWithKey(X509Certificate2 ca, string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out var address))
        {
            san.AddIpAddress(address);
        }
        else
        {
            san.AddDnsName(host);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [4, 5, 6]);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>Writes <paramref name="certificate"/> and its key as <c>name.pem</c> and <c>name.key</c>.</summary>
    public (string CertificatePath, string KeyPath) WriteWithKey(string name, X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA key.");
        return (Write(name + ".pem", certificate.ExportCertificatePem()), Write(name + ".key", key.ExportPkcs8PrivateKeyPem()));
    }

    public string Write(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>
    /// An RFC 3820 proxy of <paramref name="user"/>: signed with the user's key (the user is no CA, so the generator
    /// overload is used) and named like the user plus one trailing CN, as OpenSSL's proxy path validation requires.
    /// </summary>
    private static X509Certificate2 CreateProxy(X509Certificate2 user, ECDsa userKey, AsymmetricAlgorithm proxyKey, string serial)
    {
        var subject = AppendCommonName(user.SubjectName, serial);
        var request = proxyKey switch
        {
            ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("Unsupported key type.", nameof(proxyKey)),
        };
        request.CertificateExtensions.Add(new X509Extension(ProxyCertInfoOid, EncodeProxyCertInfo(), critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        using var proxyPublic = request.Create(
            user.SubjectName, X509SignatureGenerator.CreateForECDsa(userKey), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12),
            System.Text.Encoding.ASCII.GetBytes(serial));
        return proxyKey switch
        {
            ECDsa ec => proxyPublic.CopyWithPrivateKey(ec),
            _ => proxyPublic.CopyWithPrivateKey((RSA)proxyKey),
        };
    }

    /// <summary>The DER name with one more RDN, <c>CN=<paramref name="value"/></c>, at the end.</summary>
    private static X500DistinguishedName AppendCommonName(X500DistinguishedName name, string value)
    {
        var reader = new AsnReader(name.RawData, AsnEncodingRules.DER).ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            while (reader.HasData)
            {
                writer.WriteEncodedValue(reader.ReadEncodedValue().Span);
            }

            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(CommonNameOid);
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    /// <summary>ProxyCertInfo ::= SEQUENCE { pCPathLenConstraint INTEGER OPTIONAL, proxyPolicy SEQUENCE { policyLanguage OID } }.</summary>
    private static byte[] EncodeProxyCertInfo()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(InheritAllPolicyOid);
            }
        }

        return writer.Encode();
    }

    public void Dispose()
    {
        Ca.Dispose();
        User.Dispose();
        Proxy.Dispose();
        if (_rsaProxy.IsValueCreated)
        {
            RsaProxy.Dispose();
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
