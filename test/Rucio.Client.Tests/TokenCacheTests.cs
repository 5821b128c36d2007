using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

public sealed class TokenCacheTests : IDisposable
{
    private static readonly Transcript Account = Transcript.Load("02b_account_root");
    private readonly string _root = Directory.CreateTempSubdirectory("rucio-cache-").FullName;

    private string CacheDirectory => Path.Combine(_root, ".rucio_jane");

    private RucioClientOptions Options(TimeProvider? time = null)
    {
        var options = TestClients.Options(time: time);
        options.TokenCacheDirectory = CacheDirectory;
        return options;
    }

    [Fact]
    public async Task Token_IsWrittenInRucioLayout_WithPrivatePermissions()
    {
        var clock = TestClients.Clock();
        var transport = TestClients.Transport(_ => Account.ToResponse(), clock);
        using var client = new RucioClient(Options(clock), transport);

        await client.Accounts.GetAsync("root");

        var tokenFile = Path.Combine(CacheDirectory, "auth_token_for_account_root");
        var expiryFile = Path.Combine(CacheDirectory, "auth_token_exp_for_account_root");
        Assert.Equal(Responses.Token, File.ReadAllText(tokenFile));
        Assert.Equal(clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(expiryFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(expiryFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(CacheDirectory));
        }

        Assert.Empty(Directory.GetFiles(CacheDirectory, "*.tmp"));
    }

    [Fact]
    public async Task CachedToken_IsReusedByANewClient()
    {
        var clock = TestClients.Clock();
        var first = TestClients.Transport(_ => Account.ToResponse(), clock);
        using (var client = new RucioClient(Options(clock), first))
        {
            await client.Accounts.GetAsync("root");
        }

        var second = TestClients.Transport(_ => Account.ToResponse(), clock);
        using (var client = new RucioClient(Options(clock), second))
        {
            await client.Accounts.GetAsync("root");
        }

        Assert.Empty(second.AuthRequests);
        Assert.Equal(Responses.Token, Assert.Single(second.DataRequests).Header("X-Rucio-Auth-Token"));
    }

    [Fact]
    public async Task ExpiredCachedToken_IsReplaced()
    {
        var clock = TestClients.Clock();
        using (var client = new RucioClient(Options(clock), TestClients.Transport(_ => Account.ToResponse(), clock)))
        {
            await client.Accounts.GetAsync("root");
        }

        clock.Advance(TimeSpan.FromHours(2));
        var later = TestClients.Transport(_ => Account.ToResponse(), clock);
        using (var client = new RucioClient(Options(clock), later))
        {
            await client.Accounts.GetAsync("root");
        }

        Assert.Single(later.AuthRequests);
    }

    [Fact]
    public async Task PythonClientToken_WithoutExpiryFile_IsUsedAndReplacedOn401()
    {
        Directory.CreateDirectory(CacheDirectory);
        File.WriteAllText(Path.Combine(CacheDirectory, "auth_token_for_account_root"), "token-from-python-cli");
        var transport = TestClients.Transport(r => r.Header("X-Rucio-Auth-Token") == "token-from-python-cli"
            ? Responses.CannotAuthenticate()
            : Account.ToResponse());
        using var client = new RucioClient(Options(), transport);

        await client.Accounts.GetAsync("root");

        Assert.Equal(["token-from-python-cli", Responses.Token], transport.DataRequests.Select(r => r.Header("X-Rucio-Auth-Token")));
        Assert.Equal(Responses.Token, File.ReadAllText(Path.Combine(CacheDirectory, "auth_token_for_account_root")));
    }

    [Fact]
    public void DefaultAccount_UsesRucioSuffix_AndUnsafeAccountsAreNotCached()
    {
        Assert.EndsWith("auth_token_for_default_account", TokenFileCache.TryCreate(CacheDirectory, null)!.TokenPath, StringComparison.Ordinal);
        Assert.Null(TokenFileCache.TryCreate(CacheDirectory, "../../etc"));
        Assert.Null(TokenFileCache.TryCreate(null, "root"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
