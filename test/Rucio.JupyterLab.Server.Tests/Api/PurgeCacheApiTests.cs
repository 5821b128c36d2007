using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.State;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

[Collection(SandboxCollection.Name)]
public sealed class PurgeCacheApiTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task PurgeWithoutNamespaceEmptiesCachesAndDropsClientsButKeepsCredentials()
    {
        await using var backend = await BackendHost.StartAsync(BackendHost.SandboxConfig(sandbox.DirectUri));
        await backend.LoginAsync();
        var cache = backend.Services.GetRequiredService<CacheStore>();
        await cache.SetAsync("sandbox", "files", "opendata:x", [1], TimeSpan.FromHours(1), CancellationToken.None);
        var credentials = await backend.Services.GetRequiredService<CredentialStore>().GetAsync("sandbox", AuthType.UserPass, CancellationToken.None);
        Rucio.Client.RucioClient before;
        using (var lease = backend.Services.GetRequiredService<RucioClientFactory>().Acquire(
            (await backend.Services.GetRequiredService<Rucio.DataLake.Core.Configuration.InstanceRegistry>().FindAsync("sandbox", CancellationToken.None))!,
            AuthType.UserPass,
            credentials))
        {
            before = lease.Client;
        }

        var (status, body) = await backend.SendAsync(HttpMethod.Post, "/rucio-jupyterlab/purge-cache");
        var (scopes, _) = await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=sandbox");

        Assert.Equal(200, status);
        Assert.True((bool)body!["success"]!);
        Assert.Null(await cache.GetAsync("sandbox", "files", "opendata:x", CancellationToken.None));
        Assert.ThrowsAny<ObjectDisposedException>(() => before.PingAsync().GetAwaiter().GetResult());
        Assert.Equal(200, scopes);
    }
}
