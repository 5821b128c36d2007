using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rucio.Client;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.DataLake.Cli.Tests;

/// <summary>
/// VOMS proxies made by the real <c>voms-proxy-init</c> (Debian's voms-clients-java, installed by the test script)
/// from a certificate issued by a throw-away CA.
/// </summary>
public sealed class VomsProxyTests : IDisposable
{
    private const string ProxyCertInfoOid = "1.3.6.1.5.5.7.1.14";

    private readonly string _work = Directory.CreateTempSubdirectory("datalake-voms-").FullName;
    private readonly string _certificate;
    private readonly string _key;
    private readonly string _proxies;

    public VomsProxyTests()
    {
        (_certificate, _key) = IssueUserCertificate(_work, "Jane Doe");
        _proxies = Path.Combine(_work, "state", "proxies");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Makes_an_rfc3820_proxy_of_the_user_certificate_in_a_private_directory_and_reuses_it()
    {
        var provider = new VomsProxyProvider(_proxies, TimeProvider.System);
        var credentials = new X509CertificateCredentials(_certificate, _key);

        var path = await provider.GetProxyAsync(Instance(), credentials, CancellationToken.None);
        var firstWrite = File.GetLastWriteTimeUtc(path);
        var again = await provider.GetProxyAsync(Instance(), credentials, CancellationToken.None);

        using var user = X509CertificateLoader.LoadCertificateFromFile(_certificate);
        using var proxy = X509CertificateLoader.LoadCertificateFromFile(path);
        Assert.Equal(user.Subject, proxy.Issuer);
        Assert.EndsWith(", " + user.Subject, proxy.Subject, StringComparison.Ordinal);
        Assert.Contains(proxy.Extensions.Cast<X509Extension>(), e => e.Oid?.Value == ProxyCertInfoOid);
        Assert.InRange(proxy.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromHours(11), TimeSpan.FromHours(12.5));
        Assert.Contains("PRIVATE KEY", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_proxies));
        Assert.Equal(path, again);
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(again));
        Assert.Single(Directory.GetFiles(_proxies));
    }

    [Fact]
    public async Task A_proxy_close_to_expiry_is_made_again()
    {
        var credentials = new X509CertificateCredentials(_certificate, _key);
        var path = await new VomsProxyProvider(_proxies, TimeProvider.System).GetProxyAsync(Instance(), credentials, CancellationToken.None);
        using var first = X509CertificateLoader.LoadCertificateFromFile(path);

        // Eleven and a half hours later, less than the hour of margin is left on a twelve-hour proxy.
        var later = new ShiftedTime(TimeSpan.FromHours(11.5));
        var renewed = await new VomsProxyProvider(_proxies, later).GetProxyAsync(Instance(), credentials, CancellationToken.None);
        using var second = X509CertificateLoader.LoadCertificateFromFile(renewed);

        Assert.Equal(path, renewed);
        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
    }

    [Fact]
    public async Task Storage_access_uses_the_voms_proxy_instead_of_the_certificate_only_when_voms_is_enabled()
    {
        var provider = new VomsProxyProvider(_proxies, TimeProvider.System);
        var credentials = new X509CertificateCredentials(_certificate, _key);
        using var client = new RucioClient(new RucioClientOptions { BaseUri = new Uri("http://127.0.0.1:9/"), Account = "jdoe", Credential = RucioCredential.X509(_certificate, _key) });

        var withVoms = await StorageAccess.CreateAsync(Instance(), AuthType.X509, credentials, client, provider, CancellationToken.None);
        var withoutVoms = await StorageAccess.CreateAsync(Instance() with { VomsEnabled = false }, AuthType.X509, credentials, client, provider, CancellationToken.None);

        Assert.NotNull(withVoms.ProxyPath);
        Assert.StartsWith(_proxies, withVoms.ProxyPath, StringComparison.Ordinal);
        Assert.Null(withVoms.ClientCertificatePath);
        Assert.Null(withoutVoms.ProxyPath);
        Assert.Equal(_certificate, withoutVoms.ClientCertificatePath);
        Assert.Equal(_key, withoutVoms.ClientKeyPath);
    }

    [Fact]
    public async Task An_unreachable_voms_server_gives_an_error_naming_the_vo_and_leaves_no_proxy()
    {
        var vomses = Path.Combine(_work, "vomses");
        await File.WriteAllTextAsync(vomses, $"\"escape\" \"127.0.0.1\" \"{ClosedPort()}\" \"/CN=voms.invalid\" \"escape\"\n");
        var provider = new VomsProxyProvider(_proxies, TimeProvider.System);
        var instance = Instance() with { Vo = "escape", VomsVomsesPath = vomses, VomsCertDirPath = Path.Combine(_work, "certificates") };

        var error = await Assert.ThrowsAsync<CredentialsUnavailableException>(
            () => provider.GetProxyAsync(instance, new X509CertificateCredentials(_certificate, _key), CancellationToken.None));

        Assert.Contains("VO 'escape'", error.Message, StringComparison.Ordinal);
        Assert.Contains("voms-proxy-init could not make a VOMS proxy for 'VOMS test'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_proxies));
    }

    [Fact]
    public async Task A_key_that_needs_a_passphrase_fails_at_once_instead_of_waiting_for_a_terminal()
    {
        var (certificate, encryptedKey) = IssueUserCertificate(Path.Combine(_work, "encrypted"), "John Roe", passphrase: "not-given");
        var provider = new VomsProxyProvider(_proxies, TimeProvider.System, new VomsProxyOptions { Timeout = TimeSpan.FromSeconds(60) });

        var error = await Assert.ThrowsAsync<CredentialsUnavailableException>(
            () => provider.GetProxyAsync(Instance(), new X509CertificateCredentials(certificate, encryptedKey), CancellationToken.None));

        Assert.StartsWith("voms-proxy-init could not make a VOMS proxy", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-given", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_proxies));
    }

    [Fact]
    public async Task A_missing_voms_proxy_init_says_what_to_install()
    {
        var provider = new VomsProxyProvider(_proxies, TimeProvider.System, new VomsProxyOptions { Executable = "voms-proxy-init-not-installed" });

        var error = await Assert.ThrowsAsync<CredentialsUnavailableException>(
            () => provider.GetProxyAsync(Instance(), new X509CertificateCredentials(_certificate, _key), CancellationToken.None));

        Assert.Contains("is not installed on this server", error.Message, StringComparison.Ordinal);
        Assert.Contains("voms-clients", error.Message, StringComparison.Ordinal);
    }

    private static InstanceConfig Instance() => new()
    {
        Name = "voms-test",
        DisplayName = "VOMS test",
        BaseUrl = new Uri("http://127.0.0.1:9/"),
        VomsEnabled = true,
    };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A CA and a user certificate it signed, as PEM files; the key optionally encrypted.</summary>
    private static (string Certificate, string Key) IssueUserCertificate(string directory, string name, string? passphrase = null)
    {
        Directory.CreateDirectory(directory);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=VOMS Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var userKey = RSA.Create(2048);
        var userRequest = new CertificateRequest($"DC=org, DC=example, CN={name}", userKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        userRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        userRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        using var user = userRequest.Create(ca, now.AddDays(-1), now.AddDays(20), [1, 2, 3, 4]);

        var certificatePath = Path.Combine(directory, "usercert.pem");
        var keyPath = Path.Combine(directory, "userkey.pem");
        File.WriteAllText(certificatePath, user.ExportCertificatePem());
        File.WriteAllText(keyPath, passphrase is null
            ? userKey.ExportPkcs8PrivateKeyPem()
            : userKey.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead);

        // A grid trust-anchor directory: the CA under the OpenSSL subject hashes, new and old, as grid tools look it up.
        var certificates = Directory.CreateDirectory(Path.Combine(directory, "certificates")).FullName;
        var caPath = Path.Combine(certificates, "ca.pem");
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        foreach (var hashOption in new[] { "-subject_hash", "-subject_hash_old" })
        {
            File.Copy(caPath, Path.Combine(certificates, OpenSsl("x509", hashOption, "-noout", "-in", caPath) + ".0"), overwrite: true);
        }

        return (certificatePath, keyPath);
    }

    private static string OpenSsl(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("openssl") { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed");
    }

    /// <summary>The clock of a later moment.</summary>
    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
