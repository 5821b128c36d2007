using System.Net;
using System.Net.Sockets;
using Rucio.Client.Native;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

/// <summary>
/// X.509 and RFC 3820 proxy authentication over real TLS against <c>openssl s_server</c> configured like a grid
/// server: client certificate required (<c>-Verify</c>), verification errors fatal (<c>-verify_return_error</c>),
/// proxies allowed, only the test CA trusted. <c>-HTTP</c> serves the Rucio token response from a file.
/// </summary>
public sealed class ProxyTlsTests(ProxyTlsTests.GridPki grid) : IClassFixture<ProxyTlsTests.GridPki>
{
    private const string Token = "root-proxy-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private readonly TestPki _pki = grid.Pki;
    private readonly string _www = grid.Www;
    private readonly (string Certificate, string Key) _localhost = grid.Localhost;

    public static TheoryData<string, bool> Protocols => new() { { "-tls1_3", false }, { "-tls1_3", true }, { "-tls1_2", false }, { "-tls1_2", true } };

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Proxy_PresentsProxyAndUserCertificate_AndAGridServerAcceptsIt(string protocol, bool rsaProxy)
    {
        await using var server = await StartGridServerAsync(_localhost, protocol);
        using var client = Client(RucioCredential.X509Proxy(rsaProxy ? _pki.RsaProxyPath : _pki.ProxyPath), server.Port);

        var token = await client.Auth.AuthenticateAsync();

        Assert.Equal(Token, token.Value);
        Assert.Equal("root", token.Account);
        var chain = await server.WaitForVerifiedChainAsync(3);
        Assert.EndsWith("CN = Jane Doe, CN = " + (rsaProxy ? "7654321" : "1234567"), chain[0], StringComparison.Ordinal);
        Assert.EndsWith("CN = Jane Doe", chain[1], StringComparison.Ordinal);
        Assert.Contains("CN = Test Grid CA", chain[2], StringComparison.Ordinal);
        Assert.DoesNotContain(server.ErrorLines, line => line.StartsWith("verify error", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task Proxy_WithoutItsUserCertificate_IsRejectedByTheServer(string protocol)
    {
        await using var server = await StartGridServerAsync(_localhost, protocol);
        var (proxy, chain) = ((X509ProxyCredential)RucioCredential.X509Proxy(_pki.ProxyPath)).LoadCertificates();
        using var handler = new OpenSslTransportHandler(OpenSslClientContext.Create(proxy, [], _pki.CaPath), TimeSpan.FromSeconds(20));
        using var http = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"https://localhost:{server.Port}/auth/x509_proxy")));

        // The server saw only the proxy (depth 0) and could not find its issuer: the user certificate is what was missing.
        var verifyError = await server.WaitForErrorLineAsync(line => line.StartsWith("verify error", StringComparison.Ordinal));
        Assert.Contains("unable to get", verifyError, StringComparison.Ordinal);
        Assert.DoesNotContain(server.ErrorLines, line => line.StartsWith("depth=1", StringComparison.Ordinal));
        // TLS 1.2 fails in the handshake, TLS 1.3 on the first read: both are reported alike, and never retried.
        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        Assert.Contains("unknown ca", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not accept the client certificate", error.Message, StringComparison.Ordinal);
        ClientCertificates.Dispose(proxy, chain);
    }

    [Fact]
    public async Task UserCertificate_IsPresentedBySslStream_AndAccepted()
    {
        await using var server = await StartGridServerAsync(_localhost);
        using var client = Client(RucioCredential.X509(_pki.UserCertificatePath, _pki.EncryptedUserKeyPath, TestPki.Passphrase), server.Port);

        var token = await client.Auth.AuthenticateAsync();

        Assert.Equal(Token, token.Value);
        var chain = await server.WaitForVerifiedChainAsync(2);
        Assert.EndsWith("CN = Jane Doe", chain[0], StringComparison.Ordinal);
        Assert.Contains("CN = Test Grid CA", chain[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyGivenAsCertificateAndKeyFile_IsPresentedWithItsChain()
    {
        await using var server = await StartGridServerAsync(_localhost);
        using var client = Client(RucioCredential.X509(_pki.ProxyPath, _pki.ProxyPath), server.Port);

        Assert.Equal(Token, (await client.Auth.AuthenticateAsync()).Value);
        Assert.EndsWith("CN = 1234567", (await server.WaitForVerifiedChainAsync(3))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerFromAForeignCa_IsRefused()
    {
        using var foreignCaKey = System.Security.Cryptography.ECDsa.Create();
        using var foreignCa = TestPki.CreateCa("CN=Foreign CA", foreignCaKey);
        using var foreignCertificate = TestPki.CreateServerCertificateWithKey(foreignCa, "localhost");
        await using var server = await StartGridServerAsync(_pki.WriteWithKey("foreign", foreignCertificate));
        using var client = Client(RucioCredential.X509Proxy(_pki.ProxyPath), server.Port);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Auth.AuthenticateAsync());

        Assert.Equal(RucioException.ConnectionErrorCode, error.ErrorCode);
        Assert.Contains("not trusted", error.Message, StringComparison.Ordinal);
        Assert.Contains("local issuer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestCaServer_IsRefusedWithoutTheCaBundle_AndAcceptedWithIt()
    {
        await using var server = await StartGridServerAsync(_localhost);
        using var withoutBundle = Client(RucioCredential.X509Proxy(_pki.ProxyPath), server.Port, caBundle: null);
        using var withBundle = Client(RucioCredential.X509Proxy(_pki.ProxyPath), server.Port);

        var error = await Assert.ThrowsAsync<RucioException>(() => withoutBundle.Auth.AuthenticateAsync());
        Assert.Contains("not trusted", error.Message, StringComparison.Ordinal);
        Assert.Equal(Token, (await withBundle.Auth.AuthenticateAsync()).Value);
    }

    [Fact]
    public async Task ServerCertificateForAnotherName_IsRefused()
    {
        using var certificate = TestPki.CreateServerCertificateWithKey(_pki.Ca, "rucio.example.org");
        await using var server = await StartGridServerAsync(_pki.WriteWithKey("other-name", certificate));
        using var client = Client(RucioCredential.X509Proxy(_pki.ProxyPath), server.Port);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Auth.AuthenticateAsync());

        Assert.Contains("hostname mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IpAddressHost_IsCheckedAgainstTheIpAddressSan()
    {
        using var ipCertificate = TestPki.CreateServerCertificateWithKey(_pki.Ca, "127.0.0.1");
        await using var ipServer = await StartGridServerAsync(_pki.WriteWithKey("ip", ipCertificate));
        await using var dnsServer = await StartGridServerAsync(_localhost);
        using var matching = Client(RucioCredential.X509Proxy(_pki.ProxyPath), ipServer.Port, host: "127.0.0.1");
        using var mismatching = Client(RucioCredential.X509Proxy(_pki.ProxyPath), dnsServer.Port, host: "127.0.0.1");

        Assert.Equal(Token, (await matching.Auth.AuthenticateAsync()).Value);
        var error = await Assert.ThrowsAsync<RucioException>(() => mismatching.Auth.AuthenticateAsync());
        Assert.Contains("IP address mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RucioErrorResponse_IsReportedWithItsExceptionClass()
    {
        const string body = "{\"ExceptionClass\": \"CannotAuthenticate\", \"ExceptionMessage\": \"Cannot authenticate to account root with given credentials\"}";
        var www = WriteResponses(_pki, "www-denied", "HTTP/1.1 401 UNAUTHORIZED\r\nExceptionClass: CannotAuthenticate\r\n"
            + $"ExceptionMessage: Cannot authenticate to account root with given credentials\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
        await using var server = await StartGridServerAsync(_localhost, www: www);
        using var client = Client(RucioCredential.X509Proxy(_pki.ProxyPath), server.Port);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Auth.AuthenticateAsync());

        Assert.Equal(401, error.Status);
        Assert.Equal("CannotAuthenticate", error.ErrorCode);
    }

    [Fact]
    public async Task SilentServer_HonoursCancellation_AndTheTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cancellable = Client(RucioCredential.X509Proxy(_pki.ProxyPath), port);
        using var cancellation = new CancellationTokenSource();

        var cancelled = cancellable.Auth.AuthenticateAsync(cancellation.Token);
        using (await listener.AcceptSocketAsync())
        {
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        }

        using var impatient = Client(RucioCredential.X509Proxy(_pki.ProxyPath), port, timeout: TimeSpan.FromMilliseconds(300));
        var timedOut = impatient.Auth.AuthenticateAsync();
        using (await listener.AcceptSocketAsync())
        {
            var error = await Assert.ThrowsAsync<RucioException>(() => timedOut);
            Assert.Equal(RucioException.TimeoutCode, error.ErrorCode);
        }
    }

    [Fact]
    public async Task PlainHttpAuthServer_IsRefusedForTheOpenSslTransport()
    {
        var (proxy, chain) = ((X509ProxyCredential)RucioCredential.X509Proxy(_pki.ProxyPath)).LoadCertificates();
        using var handler = new OpenSslTransportHandler(OpenSslClientContext.Create(proxy, chain, _pki.CaPath), TimeSpan.FromSeconds(5));
        using var http = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<RucioException>(() => http.GetAsync(new Uri("http://localhost:1/auth/x509_proxy")));

        Assert.Equal(RucioException.InvalidCredentialCode, error.ErrorCode);
        ClientCertificates.Dispose(proxy, chain);
    }

    [Fact]
    public void CaBundle_Unreadable_IsInvalidCredential()
    {
        var (proxy, chain) = ((X509ProxyCredential)RucioCredential.X509Proxy(_pki.ProxyPath)).LoadCertificates();

        var error = Assert.Throws<RucioException>(() => OpenSslClientContext.Create(proxy, chain, Path.Combine(_pki.Directory, "missing.pem")));

        Assert.Equal(RucioException.InvalidCredentialCode, error.ErrorCode);
        Assert.Contains("missing.pem", error.Message, StringComparison.Ordinal);
        ClientCertificates.Dispose(proxy, chain);
    }

    [Fact]
    public async Task CaBundle_CanBeAGridCertificatesDirectory_WithoutHashLinks()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_pki.Directory, "grid-security-certificates")).FullName;
        File.Copy(_pki.CaPath, Path.Combine(directory, "TestGridCA.pem"), overwrite: true);
        File.WriteAllText(Path.Combine(directory, "TestGridCA.namespaces"), "TO Issuer \"/O=Rucio Tests/CN=Test Grid CA\" PERMIT Subject \".*\"");
        await using var server = await StartGridServerAsync(_localhost);
        using var client = Client(RucioCredential.X509Proxy(_pki.ProxyPath), server.Port, caBundle: directory);

        Assert.Equal(Token, (await client.Auth.AuthenticateAsync()).Value);
    }

    private Task<OpenSslServer> StartGridServerAsync((string Certificate, string Key) serverCredentials, string protocol = "-tls1_3", string? www = null) =>
        OpenSslServer.StartAsync(
            www ?? _www,
            "-HTTP", protocol, "-allow_proxy_certs", "-Verify", "3", "-verify_return_error",
            "-CAfile", _pki.CaPath, "-cert", serverCredentials.Certificate, "-key", serverCredentials.Key);

    private RucioClient Client(RucioCredential credential, int port, string host = "localhost", string? caBundle = "", TimeSpan? timeout = null) =>
        new(new RucioClientOptions
        {
            BaseUri = new Uri($"https://{host}:{port}/"),
            Account = "root",
            Credential = credential,
            CaCertificatePath = caBundle == "" ? _pki.CaPath : caBundle,
            Timeout = timeout ?? TimeSpan.FromSeconds(20),
            Retry = new RetryOptions { MaxRetries = 0 },
        });

    /// <summary>A directory answering /auth/x509 and /auth/x509_proxy with <paramref name="response"/> (s_server -HTTP).</summary>
    private static string WriteResponses(TestPki pki, string name, string response)
    {
        var directory = Path.Combine(pki.Directory, name, "auth");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "x509"), response);
        File.WriteAllText(Path.Combine(directory, "x509_proxy"), response);
        return Path.GetDirectoryName(directory)!;
    }

    /// <summary>The PKI, a server certificate for localhost and the token response, shared by the tests.</summary>
    public sealed class GridPki : IDisposable
    {
        public GridPki()
        {
            Www = WriteResponses(Pki, "www", $"HTTP/1.1 200 OK\r\nX-Rucio-Auth-Account: root\r\nX-Rucio-Auth-Token: {Token}\r\n"
                + "X-Rucio-Auth-Token-Expires: Sun, 22 Nov 2099 19:51:31 UTC\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            using var certificate = TestPki.CreateServerCertificateWithKey(Pki.Ca, "localhost");
            Localhost = Pki.WriteWithKey("localhost", certificate);
        }

        public TestPki Pki { get; } = new();

        public string Www { get; }

        public (string Certificate, string Key) Localhost { get; }

        public void Dispose() => Pki.Dispose();
    }
}
