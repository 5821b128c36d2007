using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rucio.Client.Native;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

public sealed class X509Tests : IDisposable
{
    private readonly TestPki _pki = new();

    [Fact]
    public void Proxy_LoadsProxyWithKeyFirst_AndUserCertificateAsChain()
    {
        var credential = (X509ProxyCredential)RucioCredential.X509Proxy(_pki.ProxyPath);

        var (proxy, chain) = credential.LoadCertificates();

        Assert.Equal(_pki.Proxy.Thumbprint, proxy.Thumbprint);
        Assert.True(proxy.HasPrivateKey);
        Assert.NotNull(proxy.Extensions["1.3.6.1.5.5.7.1.14"]);
        Assert.True(proxy.Extensions["1.3.6.1.5.5.7.1.14"]!.Critical);
        Assert.Equal(_pki.User.Thumbprint, Assert.Single(chain).Thumbprint);
    }

    [Fact]
    public void Proxy_OnLinux_IsPresentedByOpenSsl_WithTheUserCertificateAsChain()
    {
        var credential = (X509ProxyCredential)RucioCredential.X509Proxy(_pki.ProxyPath);

        using var certificate = credential.LoadClientCertificate(TimeProvider.System);

        Assert.Equal(_pki.Proxy.Thumbprint, certificate.Certificate.Thumbprint);
        Assert.Equal(_pki.User.Thumbprint, Assert.Single(certificate.Chain).Thumbprint);
        if (OperatingSystem.IsLinux())
        {
            // If this fails, the runtime has fixed dotnet/runtime#41916: verify SslStream really sends the chain
            // (ProxyTlsTests) before letting the managed route take over.
            Assert.IsType<OpenSslClientCertificate>(certificate);
            using var transport = certificate.CreateTransport(TestClients.Options());
            Assert.IsType<OpenSslTransportHandler>(transport);
        }
        else
        {
            var managed = Assert.IsType<SslStreamClientCertificate>(certificate);
            Assert.Contains(managed.Context.IntermediateCertificates, c => c.Thumbprint == _pki.User.Thumbprint);
        }
    }

    [Fact]
    public void UserCertificate_TlsContext_IsBuiltBySslStream()
    {
        var credential = (X509CertificateCredential)RucioCredential.X509(_pki.UserCertificatePath, _pki.EncryptedUserKeyPath, TestPki.Passphrase);
        using var certificate = credential.LoadClientCertificate(TimeProvider.System);
        var managed = Assert.IsType<SslStreamClientCertificate>(certificate);
        Assert.Equal(_pki.User.Thumbprint, managed.Context.TargetCertificate.Thumbprint);
        using var transport = certificate.CreateTransport(TestClients.Options());
        Assert.Same(managed.Context, Assert.IsType<SocketsHttpHandler>(transport).SslOptions.ClientCertificateContext);
    }

    [Fact]
    public async Task Proxy_AuthenticatesAgainstAuthX509Proxy_LikeRucioItsOwnClient()
    {
        var transport = TestClients.Transport(_ => new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        using var client = new RucioClient(TestClients.Options(RucioCredential.X509Proxy(_pki.ProxyPath)), transport);

        await client.Auth.AuthenticateAsync();

        var auth = Assert.Single(transport.AuthRequests);
        Assert.Equal("/auth/x509_proxy", auth.Path);
        Assert.Equal("root", auth.Header("X-Rucio-Account"));
    }

    [Fact]
    public void Proxy_WithoutIssuer_IsRejected()
    {
        var text = File.ReadAllText(_pki.ProxyPath);
        var userBlock = _pki.User.ExportCertificatePem();
        var path = _pki.Write("bare-proxy", text.Replace(userBlock, "", StringComparison.Ordinal));

        var error = Assert.Throws<RucioException>(() => ((X509ProxyCredential)RucioCredential.X509Proxy(path)).LoadCertificates());
        Assert.Equal(RucioException.InvalidCredentialCode, error.ErrorCode);
    }

    [Fact]
    public void ExpiredProxy_IsRejectedBeforeContactingTheServer()
    {
        var credential = (X509ProxyCredential)RucioCredential.X509Proxy(_pki.ProxyPath);
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(2));

        var error = Assert.Throws<RucioException>(() => credential.LoadClientCertificate(later));
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UserCertificate_WithPlainKey_Loads()
    {
        var credential = (X509CertificateCredential)RucioCredential.X509(_pki.UserCertificatePath, _pki.UserKeyPath);
        var (leaf, additional) = credential.LoadCertificates();
        Assert.Equal(_pki.User.Thumbprint, leaf.Thumbprint);
        Assert.True(leaf.HasPrivateKey);
        Assert.Empty(additional);
    }

    [Fact]
    public void UserCertificate_WithEncryptedKeyAndPassphrase_Loads()
    {
        var credential = (X509CertificateCredential)RucioCredential.X509(_pki.UserCertificatePath, _pki.EncryptedUserKeyPath, TestPki.Passphrase);
        var (leaf, _) = credential.LoadCertificates();
        Assert.True(leaf.HasPrivateKey);
        using var key = leaf.GetECDsaPrivateKey();
        Assert.NotNull(key);
    }

    [Fact]
    public void EncryptedKey_WithoutOrWithWrongPassphrase_FailsClearly_WithoutEchoingIt()
    {
        var withoutPassphrase = Assert.Throws<RucioException>(() =>
            ((X509CertificateCredential)RucioCredential.X509(_pki.UserCertificatePath, _pki.EncryptedUserKeyPath)).LoadCertificates());
        Assert.Equal(RucioException.InvalidCredentialCode, withoutPassphrase.ErrorCode);
        Assert.Contains("passphrase", withoutPassphrase.Message, StringComparison.Ordinal);

        var wrong = Assert.Throws<RucioException>(() =>
            ((X509CertificateCredential)RucioCredential.X509(_pki.UserCertificatePath, _pki.EncryptedUserKeyPath, "not-the-passphrase-42")).LoadCertificates());
        Assert.DoesNotContain("not-the-passphrase-42", wrong.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsInvalidCredential()
    {
        var error = Assert.Throws<RucioException>(() =>
            ((X509CertificateCredential)RucioCredential.X509(Path.Combine(_pki.Directory, "nope.pem"), _pki.UserKeyPath)).LoadCertificates());
        Assert.Equal(RucioException.InvalidCredentialCode, error.ErrorCode);
    }

    [Fact]
    public void CaBundle_AcceptsItsServers_AndRejectsOthers()
    {
        using var otherCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = TestPki.CreateCa("CN=Some Other CA", otherCaKey);
        using var trustedServer = TestPki.CreateServerCertificate(_pki.Ca, "rucio.example.org");
        using var foreignServer = TestPki.CreateServerCertificate(otherCa, "rucio.example.org");
        var validator = CaBundleValidator.FromPemFile(_pki.CaPath);

        Assert.True(validator.Validate(trustedServer, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(validator.Validate(foreignServer, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(validator.Validate(trustedServer, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(validator.Validate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.True(validator.Validate(foreignServer, null, SslPolicyErrors.None)); // trusted by the system: in addition, not instead
    }

    [Fact]
    public void CaBundle_CanBeAGridCertificatesDirectory()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_pki.Directory, "certificates")).FullName;
        File.Copy(_pki.CaPath, Path.Combine(directory, "TestGridCA.pem"));
        File.WriteAllText(Path.Combine(directory, "TestGridCA.signing_policy"), "access_id_CA X509 '/O=Rucio Tests/CN=Test Grid CA'");
        using var trustedServer = TestPki.CreateServerCertificate(_pki.Ca, "rucio.example.org");

        var validator = CaBundleValidator.FromPemFile(directory);

        Assert.True(validator.Validate(trustedServer, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Throws<RucioException>(() => CaBundleValidator.FromPemFile(Directory.CreateDirectory(Path.Combine(_pki.Directory, "empty")).FullName));
    }

    [Fact]
    public void CaBundle_Unreadable_IsInvalidCredential()
    {
        var error = Assert.Throws<RucioException>(() => CaBundleValidator.FromPemFile(Path.Combine(_pki.Directory, "missing.pem")));
        Assert.Equal(RucioException.InvalidCredentialCode, error.ErrorCode);
    }

    [Fact]
    public void NetworkClient_WithCaBundle_BuildsAValidatingHandler()
    {
        var options = TestClients.Options();
        options.CaCertificatePath = _pki.CaPath;
        using var handler = RucioTransport.CreateHandler(options, clientCertificate: null);
        Assert.NotNull(handler.SslOptions.RemoteCertificateValidationCallback);
        Assert.False(handler.AllowAutoRedirect);
        using var client = new RucioClient(options);
        Assert.Equal(_pki.CaPath, client.Options.CaCertificatePath);
    }

    public void Dispose() => _pki.Dispose();
}
