using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Rucio.Client;
using Rucio.Sandbox;

namespace Rucio.IntegrationTests;

/// <summary>
/// X.509 end to end over the Sandbox's OpenSSL TLS layer: HTTPS asking for optional client certificates (verified
/// against a test CA, RFC 3820 proxies allowed), the user's DN registered as an x509 identity of root, then whoami
/// with the user certificate and with a proxy, and the chains a grid server must refuse in the handshake.
/// </summary>
public sealed class X509Tests : IAsyncLifetime
{
    private const string UserDn = "/C=CH/O=Rucio Tests/CN=Jane Doe";
    private readonly string _directory = Directory.CreateTempSubdirectory("rucio-x509-it-").FullName;
    private readonly SandboxLog _log = new();
    private TestGrid _grid = null!;
    private WebApplication? _app;
    private Uri _url = null!;

    public Task InitializeAsync()
    {
        _grid = TestGrid.Create(_directory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Whoami_works_with_the_user_certificate_and_key()
    {
        await StartSandboxAsync();
        using var client = Client(RucioCredential.X509(_grid.UserCertificatePath, _grid.UserKeyPath));

        var me = await client.Accounts.WhoAmIAsync();

        Assert.Equal("root", me.Account);
        var validation = await client.Auth.ValidateAsync();
        Assert.Equal("root", validation.Account);
        Assert.Equal(UserDn, validation.Identity);
        Assert.Equal(Uri.UriSchemeHttps, _url.Scheme);
    }

    /// <summary>
    /// The case Kestrel's SslStream cannot serve on Linux (dotnet/runtime#41916: its X509Chain build throws for
    /// proxies before any callback runs): OpenSSL verifies proxy → user certificate → CA, and /auth/x509_proxy maps
    /// the proxy to the DN of the user certificate that issued it.
    /// </summary>
    [Fact]
    public async Task Whoami_works_with_an_rfc3820_proxy_mapped_to_the_user_dn()
    {
        await StartSandboxAsync();
        using var client = Client(RucioCredential.X509Proxy(_grid.ProxyPath));

        var me = await client.Accounts.WhoAmIAsync();

        Assert.Equal("root", me.Account);
        var validation = await client.Auth.ValidateAsync();
        Assert.Equal(UserDn, validation.Identity);
    }

    [Fact]
    public async Task A_proxy_without_its_user_certificate_is_refused_in_the_handshake()
    {
        await StartSandboxAsync();
        using var client = Client(RucioCredential.X509(_grid.ProxyOnlyCertificatePath, _grid.ProxyKeyPath));

        await AssertRefusedInHandshakeAsync(client, "unable to get local issuer certificate");
    }

    /// <summary>Same CA name, same user DN, other keys: only the signature tells them apart, and it must.</summary>
    [Fact]
    public async Task A_certificate_from_an_impostor_ca_of_the_same_name_is_refused_in_the_handshake()
    {
        await StartSandboxAsync();
        var impostor = TestGrid.Create(Directory.CreateDirectory(Path.Combine(_directory, "impostor")).FullName);
        using var client = Client(RucioCredential.X509(impostor.UserCertificatePath, impostor.UserKeyPath));

        await AssertRefusedInHandshakeAsync(client, "certificate signature failure");
    }

    /// <summary>The proxy lives 12 hours; the Sandbox's clock, not the machine's, decides whether it still does.</summary>
    [Fact]
    public async Task A_proxy_expired_by_the_sandbox_clock_is_refused_in_the_handshake()
    {
        await StartSandboxAsync(new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(13)));
        using var client = Client(RucioCredential.X509Proxy(_grid.ProxyPath));

        await AssertRefusedInHandshakeAsync(client, "certificate has expired");
    }

    [Fact]
    public async Task A_certificate_without_a_registered_identity_cannot_authenticate()
    {
        await StartSandboxAsync();
        var stranger = _grid.IssueUser("CN=John Roe,O=Rucio Tests,C=CH", "stranger");
        using var client = Client(RucioCredential.X509(stranger.CertificatePath, stranger.KeyPath));

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.WhoAmIAsync());

        Assert.Equal(401, error.Status);
        Assert.Equal("CannotAuthenticate", error.ErrorCode);
    }

    /// <summary>HTTPS with the test CA's server certificate, client certificates optional; root gets the user's DN.</summary>
    private async Task StartSandboxAsync(TimeProvider? clock = null)
    {
        _app = SandboxApp.Build(
            [
                "--urls", "https://127.0.0.1:0", "--data-dir", Path.Combine(_directory, "data"),
                "--tls-cert", _grid.ServerCertificatePath, "--tls-key", _grid.ServerKeyPath, "--tls-client-ca", _grid.CaPath,
            ],
            services =>
            {
                services.AddSingleton<ILoggerProvider>(_log);
                if (clock is not null)
                {
                    services.AddSingleton(clock);
                }
            });
        await _app.StartAsync();
        _url = new Uri(_app.Urls.First().TrimEnd('/') + "/");
        await RegisterIdentityAsync(UserDn);
    }

    /// <summary>
    /// The connection ends before any HTTP (a status would mean the chain was accepted), and the Sandbox says why.
    /// </summary>
    private async Task AssertRefusedInHandshakeAsync(RucioClient client, string verifyError)
    {
        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.WhoAmIAsync());

        Assert.Equal(RucioException.ConnectionErrorCode, error.ErrorCode);
        Assert.Equal(0, error.Status);
        var refusal = await _log.WaitForAsync(line => line.Contains("refused: client certificate refused: ", StringComparison.Ordinal));
        Assert.EndsWith("refused: client certificate refused: " + verifyError, refusal, StringComparison.Ordinal);
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

    /// <summary>The Sandbox's log lines, for what only the server can tell (why it refused a handshake).</summary>
    private sealed class SandboxLog : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public async Task<string> WaitForAsync(Func<string, bool> match)
        {
            // The client may see the alert before the server has logged the refusal that sent it.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                var line = _lines.FirstOrDefault(match);
                if (line is not null || DateTime.UtcNow > deadline)
                {
                    return line ?? throw new Xunit.Sdk.XunitException("No such log line; the Sandbox logged:\n" + string.Join("\n", _lines));
                }

                await Task.Delay(20);
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => _lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
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

        /// <summary>The proxy certificate of <see cref="ProxyPath"/> alone, without the user certificate that issued it.</summary>
        public string ProxyOnlyCertificatePath => Path.Combine(_directory, "proxy-only.pem");

        public string ProxyKeyPath => Path.Combine(_directory, "proxy.key");

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

        /// <summary>An RFC 3820 proxy signed by the user key: proxy certificate, proxy key, user certificate (and the parts alone).</summary>
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
            File.WriteAllText(ProxyOnlyCertificatePath, proxy.ExportCertificatePem() + "\n");
            File.WriteAllText(ProxyKeyPath, proxyKey.ExportRSAPrivateKeyPem() + "\n");
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
