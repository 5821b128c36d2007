using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Rucio.Client;
using Rucio.Sandbox;

namespace Rucio.IntegrationTests;

/// <summary>
/// X.509 end to end: a Sandbox serving HTTPS and asking for client certificates (validated against a test CA), the
/// user's DN registered as an x509 identity of root, then whoami with the user certificate and with an RFC 3820 proxy.
/// </summary>
public sealed class X509Tests : IAsyncLifetime
{
    private const string UserDn = "/C=CH/O=Rucio Tests/CN=Jane Doe";
    private readonly string _directory = Directory.CreateTempSubdirectory("rucio-x509-it-").FullName;
    private TestGrid _grid = null!;
    private WebApplication _app = null!;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        _grid = TestGrid.Create(_directory);
        _app = SandboxApp.Build(
        [
            "--urls", "https://127.0.0.1:0", "--data-dir", Path.Combine(_directory, "data"),
            "--tls-cert", _grid.ServerCertificatePath, "--tls-key", _grid.ServerKeyPath, "--tls-client-ca", _grid.CaPath,
        ]);
        await _app.StartAsync();
        _url = new Uri(_app.Urls.First().TrimEnd('/') + "/");
        await RegisterIdentityAsync(UserDn);
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Whoami_works_with_the_user_certificate_and_key()
    {
        using var client = Client(RucioCredential.X509(_grid.UserCertificatePath, _grid.UserKeyPath));

        var me = await client.Accounts.WhoAmIAsync();

        Assert.Equal("root", me.Account);
        var validation = await client.Auth.ValidateAsync();
        Assert.Equal("root", validation.Account);
        Assert.Equal(UserDn, validation.Identity);
    }

    /// <summary>
    /// Characterizes a known Sandbox gap, so that its fix is noticed: the client presents the proxy chain (proven
    /// against openssl s_server in Rucio.Client.Tests/ProxyTlsTests), but Kestrel's SslStream builds the client
    /// chain with the platform X509Chain before any validation callback runs, and on Linux that build throws for
    /// proxies (CryptographicException "unhandled error code '40'", dotnet/runtime#41916). The server then drops
    /// the connection. When the Sandbox terminates TLS in a way that accepts proxies, this test fails: make it
    /// expect whoami = root and the identity = the user DN instead.
    /// </summary>
    [Fact]
    public async Task An_rfc3820_proxy_is_dropped_by_the_sandbox_tls_layer_dotnet_runtime_41916()
    {
        using var client = Client(RucioCredential.X509Proxy(_grid.ProxyPath));

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.WhoAmIAsync());

        Assert.Equal(RucioException.ConnectionErrorCode, error.ErrorCode);
        Assert.Equal(0, error.Status);
        // The client's side of the handshake (server certificate, CA bundle, IP SAN) succeeded: no TLS failure here.
        Assert.DoesNotContain("TLS failure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_without_a_registered_identity_cannot_authenticate()
    {
        var stranger = _grid.IssueUser("CN=John Roe,O=Rucio Tests,C=CH", "stranger");
        using var client = Client(RucioCredential.X509(stranger.CertificatePath, stranger.KeyPath));

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.WhoAmIAsync());

        Assert.Equal(401, error.Status);
        Assert.Equal("CannotAuthenticate", error.ErrorCode);
    }

    private RucioClient Client(RucioCredential credential) => new(new RucioClientOptions
    {
        BaseUri = _url,
        Account = "root",
        Credential = credential,
        CaCertificatePath = _grid.CaPath,
        Timeout = TimeSpan.FromSeconds(30),
        Retry = new RetryOptions { MaxRetries = 0 },
    });

    /// <summary>POST /accounts/root/identities as the userpass admin, over HTTPS validated against the test CA.</summary>
    private async Task RegisterIdentityAsync(string dn)
    {
        using var admin = Client(RucioCredential.UserPass("ddmlab", "secret"));
        var token = await admin.Auth.GetTokenAsync();
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            certificate is not null && _grid.IsIssuedByTestCa(certificate, errors);
        using var http = new HttpClient(handler) { BaseAddress = _url };
        using var request = new HttpRequestMessage(HttpMethod.Post, "accounts/root/identities")
        {
            Content = JsonContent.Create(new Dictionary<string, object> { ["identity"] = dn, ["authtype"] = "X509", ["email"] = "jane@example.org", ["default"] = true }),
        };
        request.Headers.Add("X-Rucio-Auth-Token", token.Value);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>A CA, a server certificate for 127.0.0.1, a user certificate and its proxy, as PEM files.</summary>
    private sealed class TestGrid
    {
        private const string ProxyCertInfoOid = "1.3.6.1.5.5.7.1.14";
        private readonly string _directory;
        private readonly X509Certificate2 _ca;

        private TestGrid(string directory, X509Certificate2 ca)
        {
            _directory = directory;
            _ca = ca;
        }

        public string CaPath => Path.Combine(_directory, "ca.pem");

        public string ServerCertificatePath => Path.Combine(_directory, "server.pem");

        public string ServerKeyPath => Path.Combine(_directory, "server.key");

        public string UserCertificatePath => Path.Combine(_directory, "user.pem");

        public string UserKeyPath => Path.Combine(_directory, "user.key");

        public string ProxyPath => Path.Combine(_directory, "x509up");

        public static TestGrid Create(string directory)
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=Sandbox Test CA,O=Rucio Tests,C=CH", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            var grid = new TestGrid(directory, caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)));
            File.WriteAllText(grid.CaPath, grid._ca.ExportCertificatePem());

            using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            serverRequest.CertificateExtensions.Add(san.Build());
            serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using var server = serverRequest.Create(grid._ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1]);
            File.WriteAllText(grid.ServerCertificatePath, server.ExportCertificatePem());
            File.WriteAllText(grid.ServerKeyPath, serverKey.ExportPkcs8PrivateKeyPem());

            var (userPath, _) = grid.IssueUser("CN=Jane Doe,O=Rucio Tests,C=CH", "user");
            grid.IssueProxy(userPath);
            return grid;
        }

        /// <summary>A user certificate issued by the test CA, written as <c>name.pem</c> and <c>name.key</c>.</summary>
        public (string CertificatePath, string KeyPath) IssueUser(string subject, string name)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
            var paths = (Path.Combine(_directory, name + ".pem"), Path.Combine(_directory, name + ".key"));
            File.WriteAllText(paths.Item1, certificate.ExportCertificatePem());
            File.WriteAllText(paths.Item2, key.ExportPkcs8PrivateKeyPem());
            return paths;
        }

        public bool IsIssuedByTestCa(X509Certificate certificate, SslPolicyErrors errors)
        {
            if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(leaf);
        }

        /// <summary>An RFC 3820 proxy signed by the user key: proxy certificate, proxy key, user certificate.</summary>
        private void IssueProxy(string userCertificatePath)
        {
            using var user = X509Certificate2.CreateFromPemFile(userCertificatePath, UserKeyPath);
            using var userKey = user.GetECDsaPrivateKey()!;
            using var proxyKey = RSA.Create(2048);
            var request = new CertificateRequest(AppendCommonName(user.SubjectName, "424242"), proxyKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509Extension(ProxyCertInfoOid, EncodeProxyCertInfo(), critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            using var proxy = request.Create(
                user.SubjectName, X509SignatureGenerator.CreateForECDsa(userKey), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), [4, 2]);
            File.WriteAllText(ProxyPath, proxy.ExportCertificatePem() + "\n" + proxyKey.ExportRSAPrivateKeyPem() + "\n" + user.ExportCertificatePem() + "\n");
        }

        /// <summary>A proxy is named like its issuer plus one trailing CN (RFC 3820 §3.4).</summary>
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
                    writer.WriteObjectIdentifier("2.5.4.3");
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
                }
            }

            return new X500DistinguishedName(writer.Encode());
        }

        /// <summary>ProxyCertInfo with the inherit-all policy (what voms-proxy-init writes).</summary>
        private static byte[] EncodeProxyCertInfo()
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.6.1.5.5.7.21.1");
            }

            return writer.Encode();
        }
    }
}
