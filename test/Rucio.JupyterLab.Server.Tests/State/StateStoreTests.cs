using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.State;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task DatabaseDirectoryIs0700AndEveryFileIs0600EvenWhenTheDirectoryExistedWider()
    {
        var dataDirectory = _directory.Combine("data");
        Directory.CreateDirectory(dataDirectory);
        File.SetUnixFileMode(dataDirectory, PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var database = await StateDatabase.OpenAsync(dataDirectory, CancellationToken.None);
        await new CredentialStore(database, _time).SaveAsync("demo", new UserPassCredentials("ddmlab", "secret"), CancellationToken.None);

        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(dataDirectory));
        var files = Directory.GetFiles(dataDirectory);
        Assert.Contains(database.FilePath, files);
        Assert.All(files, file => Assert.Equal(PrivateFile, File.GetUnixFileMode(file)));
    }

    [Fact]
    public async Task OpeningTwiceKeepsTheData()
    {
        var first = await StateDatabase.OpenAsync(_directory.Path, CancellationToken.None);
        await new SettingsStore(first, _time).SelectAsync("demo", AuthType.X509, CancellationToken.None);

        var second = await StateDatabase.OpenAsync(_directory.Path, CancellationToken.None);
        var settings = new SettingsStore(second, _time);

        Assert.Equal("demo", await settings.GetActiveInstanceAsync(CancellationToken.None));
        Assert.Equal(AuthType.X509, await settings.GetAuthTypeAsync("demo", CancellationToken.None));
    }

    [Fact]
    public async Task AuthMethodIsKeptPerInstance()
    {
        var settings = new SettingsStore(await StateDatabase.OpenAsync(_directory.Path, CancellationToken.None), _time);

        await settings.SelectAsync("alpha", AuthType.UserPass, CancellationToken.None);
        await settings.SelectAsync("beta", AuthType.Oidc, CancellationToken.None);
        await settings.SelectAsync("alpha", null, CancellationToken.None);

        Assert.Equal("alpha", await settings.GetActiveInstanceAsync(CancellationToken.None));
        Assert.Equal(AuthType.UserPass, await settings.GetAuthTypeAsync("alpha", CancellationToken.None));
        Assert.Equal(AuthType.Oidc, await settings.GetAuthTypeAsync("beta", CancellationToken.None));
        Assert.Null(await settings.GetAuthTypeAsync("gamma", CancellationToken.None));
    }

    [Fact]
    public async Task CredentialsRoundTripPerInstanceAndMethod()
    {
        var store = new CredentialStore(await StateDatabase.OpenAsync(_directory.Path, CancellationToken.None), _time);
        var userPass = new UserPassCredentials("ddmlab", " p@ss word ") { Account = "root" };
        var proxy = new X509ProxyCredentials("/tmp/x509up_u0") { Account = "root" };

        await store.SaveAsync("demo", userPass, CancellationToken.None);
        await store.SaveAsync("demo", proxy, CancellationToken.None);

        Assert.Equal(userPass, await store.GetAsync("demo", AuthType.UserPass, CancellationToken.None));
        Assert.Equal(proxy, await store.GetAsync("demo", AuthType.X509Proxy, CancellationToken.None));
        Assert.Null(await store.GetAsync("demo", AuthType.X509, CancellationToken.None));
        Assert.Null(await store.GetAsync("other", AuthType.UserPass, CancellationToken.None));
        Assert.True(await store.DeleteAsync("demo", AuthType.UserPass, CancellationToken.None));
        Assert.Null(await store.GetAsync("demo", AuthType.UserPass, CancellationToken.None));
    }

    [Fact]
    public void PublicViewAndToStringNeverContainThePassword()
    {
        var credentials = new UserPassCredentials("ddmlab", "hunter2-secret") { Account = "root" };

        var json = credentials.ToPublicJson().ToJsonString();

        Assert.DoesNotContain("hunter2-secret", json, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", credentials.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"password_set\":true", json, StringComparison.Ordinal);
        Assert.Contains("\"username\":\"ddmlab\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("userpass", """{"username": "u"}""", "password")]
    [InlineData("x509", """{"key": "/k"}""", "certificate")]
    [InlineData("x509_proxy", """{"account": "a"}""", "proxy")]
    public void MissingRequiredParameterIsExplained(string type, string parameters, string expectedWord)
    {
        Assert.True(AuthTypeNames.TryParse(type, out var authType));
        var ok = StoredCredentials.TryParse(authType, JsonNode.Parse(parameters) as JsonObject, out _, out var error);

        Assert.False(ok);
        Assert.Contains(expectedWord, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CacheEntriesExpireAndPurgeByInstance()
    {
        var cache = new CacheStore(await StateDatabase.OpenAsync(_directory.Path, CancellationToken.None), _time);
        await cache.SetAsync("a", "files", "scope:ds", [1, 2, 3], TimeSpan.FromMinutes(10), CancellationToken.None);
        await cache.SetAsync("b", "files", "scope:ds", [4], TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Equal([1, 2, 3], await cache.GetAsync("a", "files", "scope:ds", CancellationToken.None));
        Assert.Equal(1, await cache.PurgeAsync("a", CancellationToken.None));
        Assert.Null(await cache.GetAsync("a", "files", "scope:ds", CancellationToken.None));

        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.Null(await cache.GetAsync("b", "files", "scope:ds", CancellationToken.None));
        Assert.Equal(1, await cache.RemoveExpiredAsync(CancellationToken.None));
    }
}
