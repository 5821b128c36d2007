using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rucio.Client.Tests.Infrastructure;

/// <summary>
/// A throw-away PKI generated at test time: a CA, a user certificate (with a plain and an encrypted key) and an
/// RFC 3820 proxy signed by the user certificate, written as PEM files in a temporary directory.
/// </summary>
public sealed class TestPki : IDisposable
{
    public const string Passphrase = "correct horse battery staple";

    private const string ProxyCertInfoOid = "1.3.6.1.5.5.7.1.14";
    private const string InheritAllPolicyOid = "1.3.6.1.5.5.7.21.1";

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

        // The proxy's subject extends the user's with a CN; it is signed with the user's key (the user is no CA,
        // so the generator overload is used instead of Create(issuerCertificate)).
        using var proxyKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var proxyRequest = new CertificateRequest("CN=Jane Doe,O=Rucio Tests,CN=1234567", proxyKey, HashAlgorithmName.SHA256);
        proxyRequest.CertificateExtensions.Add(new X509Extension(ProxyCertInfoOid, EncodeProxyCertInfo(), critical: true));
        proxyRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var proxyPublic = proxyRequest.Create(
            User.SubjectName, X509SignatureGenerator.CreateForECDsa(userKey), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), [9, 8, 7]);
        Proxy = proxyPublic.CopyWithPrivateKey(proxyKey);

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

    public string UserCertificatePath { get; }

    public string UserKeyPath { get; }

    public string EncryptedUserKeyPath { get; }

    public string ProxyPath { get; }

    public string CaPath { get; }

    public static X509Certificate2 CreateCa(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>A TLS server certificate for <paramref name="host"/> issued by <paramref name="ca"/>.</summary>
    public static X509Certificate2 CreateServerCertificate(X509Certificate2 ca, string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [4, 5, 6]);
    }

    public string Write(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
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
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
