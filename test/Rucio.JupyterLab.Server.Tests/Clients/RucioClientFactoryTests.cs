using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;

namespace Rucio.JupyterLab.Server.Tests.Clients;

public sealed class RucioClientFactoryTests
{
    private static readonly InstanceConfig Instance = new()
    {
        Name = "demo",
        DisplayName = "Demo",
        BaseUrl = new Uri("http://127.0.0.1:1"),
        Vo = "def",
        AppId = "jupyterlab",
    };

    private static RucioClientFactory Factory() => new(new RucioClientFactoryOptions(), TimeProvider.System);

    [Fact]
    public void SameCredentialsShareOneClientWithTheInstanceSettings()
    {
        using var factory = Factory();
        var credentials = new UserPassCredentials("ddmlab", "secret") { Account = "root" };

        using var first = factory.Acquire(Instance, AuthType.UserPass, credentials);
        using var second = factory.Acquire(Instance, AuthType.UserPass, credentials with { });

        Assert.Same(first.Client, second.Client);
        Assert.Equal(new Uri("http://127.0.0.1:1"), first.Client.Options.BaseUri);
        Assert.Equal("root", first.Client.Options.Account);
        Assert.Equal("def", first.Client.Options.Vo);
        Assert.Equal("jupyterlab", first.Client.Options.AppId);
    }

    [Fact]
    public void ChangedCredentialsGiveANewClientAndRetireTheOldOneAfterItsLastLease()
    {
        using var factory = Factory();
        var old = factory.Acquire(Instance, AuthType.UserPass, new UserPassCredentials("ddmlab", "secret"));

        using var renewed = factory.Acquire(Instance, AuthType.UserPass, new UserPassCredentials("ddmlab", "changed"));

        Assert.NotSame(old.Client, renewed.Client);
        // The old client stays usable for the request that still holds it.
        Assert.NotNull(old.Client.Options);
        var oldClient = old.Client;
        old.Dispose();
        Assert.Throws<ObjectDisposedException>(() => old.Client);
        Assert.ThrowsAny<ObjectDisposedException>(() => oldClient.PingAsync().GetAwaiter().GetResult());
    }

    [Fact]
    public void InvalidateDropsTheCachedClientAndItsToken()
    {
        using var factory = Factory();
        var credentials = new UserPassCredentials("ddmlab", "secret");
        Rucio.Client.RucioClient firstClient;
        using (var first = factory.Acquire(Instance, AuthType.UserPass, credentials))
        {
            firstClient = first.Client;
        }

        factory.Invalidate("demo");
        using var second = factory.Acquire(Instance, AuthType.UserPass, credentials);

        Assert.NotSame(firstClient, second.Client);
        Assert.ThrowsAny<ObjectDisposedException>(() => firstClient.PingAsync().GetAwaiter().GetResult());
    }

    [Fact]
    public void OperatorOidcIsUsedWhenTheUserGaveNoTokenFile()
    {
        var instance = Instance with { OidcAuth = OidcTokenLocation.Environment, OidcEnvName = "SOME_TOKEN" };

        var (credential, _) = RucioClientFactory.ResolveCredential(instance, AuthType.Oidc, null);
        var (fromFile, _) = RucioClientFactory.ResolveCredential(instance, AuthType.Oidc, new OidcCredentials("/home/u/token"));

        Assert.Contains("SOME_TOKEN", credential.ToString(), StringComparison.Ordinal);
        Assert.Contains("/home/u/token", fromFile.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingCredentialsAreExplained()
    {
        var oidc = Assert.Throws<CredentialsUnavailableException>(() => RucioClientFactory.ResolveCredential(Instance, AuthType.Oidc, null));
        var userPass = Assert.Throws<CredentialsUnavailableException>(() => RucioClientFactory.ResolveCredential(Instance, AuthType.UserPass, null));

        Assert.Contains("OpenID Connect is not configured", oidc.Message, StringComparison.Ordinal);
        Assert.Contains("No userpass credentials", userPass.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableCaBundleIsAClearRucioError()
    {
        using var factory = Factory();
        var instance = Instance with { CaCertPath = "/nonexistent/ca.pem" };

        var error = Assert.Throws<Rucio.Client.RucioException>(() => factory.Acquire(instance, AuthType.UserPass, new UserPassCredentials("u", "p")));

        Assert.Contains("rucio_ca_cert", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\"p\"", error.Message, StringComparison.Ordinal);
    }
}
