using Microsoft.Extensions.Time.Testing;
using Rucio.DataLake.Core.Configuration;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Configuration;

/// <summary><c>$url</c>: fetched with a timeout and the instance CA, cached for a TTL, local keys win.</summary>
public sealed class RemoteConfigTests
{
    private static readonly RemoteConfigOptions FastOptions = new()
    {
        Timeout = TimeSpan.FromSeconds(5),
        TimeToLive = TimeSpan.FromHours(1),
        RetryAfterFailure = TimeSpan.FromMinutes(1),
    };

    private static InstanceRegistry Registry(string localInstance, TimeProvider time, RemoteConfigOptions? options = null, List<ConfigProblem>? reported = null) =>
        new(ConfigTestHelper.Build($$"""{"instances": [ {{localInstance}} ]}"""),
            new RemoteConfigClient(options ?? FastOptions),
            time,
            reported is null ? null : p => { lock (reported) { reported.Add(p); } });

    private static string Local(Uri url, string extra = "") =>
        $$"""{"name": "remote", "display_name": "Local name", "$url": "{{url}}" {{extra}} }""";

    [Fact]
    public async Task SeedRemoteExampleMergesWithLocalKeysWinning()
    {
        await using var server = await StubHttpServer.StartAsync(context =>
            context.Response.WriteAsync(SeedExamples.EscapeRemoteDocument.Replace("\"mode\": \"replica\"", "\"mode\": \"replica\", \"name\": \"spoofed\", \"display_name\": \"Remote name\"", StringComparison.Ordinal)));
        var registry = Registry(Local(new Uri(server.BaseUri, "config.json"), ", \"path_begins_at\": 1"), TimeProvider.System);

        var snapshot = await registry.GetSnapshotAsync(CancellationToken.None);

        var instance = Assert.Single(snapshot.Instances);
        Assert.Equal("remote", instance.Name);
        Assert.Equal("Local name", instance.DisplayName);
        Assert.Equal(1, instance.PathBeginsAt);
        Assert.Equal("XRD1-EOS", instance.DestinationRse);
        Assert.Equal(new Uri("https://rucio"), instance.BaseUrl);
        Assert.Equal(new Uri(server.BaseUri, "config.json"), instance.RemoteConfigUrl);
    }

    [Fact]
    public async Task ConcurrentRequestsShareOneFetchAndTheTtlIsHonoured()
    {
        var gate = new TaskCompletionSource();
        var document = "{\"rucio_base_url\": \"https://first\", \"destination_rse\": \"R\", \"rse_mount_path\": \"/m\"}";
        await using var server = await StubHttpServer.StartAsync(async context =>
        {
            await gate.Task;
            await context.Response.WriteAsync(Volatile.Read(ref document));
        });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var registry = Registry(Local(server.BaseUri), time);

        var pending = Enumerable.Range(0, 8).Select(_ => registry.GetSnapshotAsync(CancellationToken.None).AsTask()).ToList();
        gate.SetResult();
        var snapshots = await Task.WhenAll(pending);

        Assert.Equal(1, server.RequestCount);
        Assert.All(snapshots, s => Assert.Equal(new Uri("https://first"), Assert.Single(s.Instances).BaseUrl));

        time.Advance(TimeSpan.FromMinutes(59));
        await registry.GetSnapshotAsync(CancellationToken.None);
        Assert.Equal(1, server.RequestCount);

        Volatile.Write(ref document, document.Replace("first", "second", StringComparison.Ordinal));
        time.Advance(TimeSpan.FromMinutes(2));
        // Past the TTL the stored copy is still served at once while one refresh runs in the background.
        var stale = await registry.GetSnapshotAsync(CancellationToken.None);
        Assert.Equal(new Uri("https://first"), Assert.Single(stale.Instances).BaseUrl);
        await Poll.UntilAsync(async () => (await registry.FindAsync("remote", CancellationToken.None))?.BaseUrl == new Uri("https://second"), "the refreshed document");
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task FailedFirstFetchMakesTheInstanceUnavailableUntilARetrySucceeds()
    {
        var healthy = false;
        await using var server = await StubHttpServer.StartAsync(async context =>
        {
            if (!Volatile.Read(ref healthy))
            {
                context.Response.StatusCode = 500;
                return;
            }

            await context.Response.WriteAsync("{\"rucio_base_url\": \"https://ok\", \"destination_rse\": \"R\", \"rse_mount_path\": \"/m\"}");
        });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reported = new List<ConfigProblem>();
        var registry = Registry(Local(server.BaseUri), time, reported: reported);

        var broken = await registry.GetSnapshotAsync(CancellationToken.None);

        Assert.Empty(broken.Instances);
        var problem = Assert.Single(broken.Problems);
        Assert.Equal(ConfigProblemSeverity.Error, problem.Severity);
        Assert.Equal("remote", problem.Instance);
        Assert.Equal("$url", problem.Key);
        Assert.Contains("HTTP 500", problem.Message, StringComparison.Ordinal);
        Assert.Single(reported);

        // Within the retry delay nobody waits on Rucio's config server again.
        Volatile.Write(ref healthy, true);
        await registry.GetSnapshotAsync(CancellationToken.None);
        Assert.Equal(1, server.RequestCount);

        time.Advance(FastOptions.RetryAfterFailure + TimeSpan.FromSeconds(1));
        var recovered = await registry.GetSnapshotAsync(CancellationToken.None);
        Assert.Equal(new Uri("https://ok"), Assert.Single(recovered.Instances).BaseUrl);
        Assert.Empty(recovered.Problems);
    }

    [Fact]
    public async Task FailedRefreshKeepsTheLastGoodCopyWithAWarning()
    {
        var healthy = true;
        await using var server = await StubHttpServer.StartAsync(async context =>
        {
            if (!Volatile.Read(ref healthy))
            {
                context.Response.StatusCode = 503;
                return;
            }

            await context.Response.WriteAsync("{\"rucio_base_url\": \"https://ok\", \"destination_rse\": \"R\", \"rse_mount_path\": \"/m\"}");
        });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var registry = Registry(Local(server.BaseUri), time);
        await registry.GetSnapshotAsync(CancellationToken.None);

        Volatile.Write(ref healthy, false);
        time.Advance(FastOptions.TimeToLive + TimeSpan.FromSeconds(1));
        await registry.GetSnapshotAsync(CancellationToken.None);
        await Poll.UntilAsync(async () => (await registry.GetSnapshotAsync(CancellationToken.None)).Problems.Count > 0, "the refresh failure");

        var snapshot = await registry.GetSnapshotAsync(CancellationToken.None);
        Assert.Equal(new Uri("https://ok"), Assert.Single(snapshot.Instances).BaseUrl);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal(ConfigProblemSeverity.Warning, problem.Severity);
        Assert.Contains("still used", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowServerHitsTheTimeout()
    {
        await using var server = await StubHttpServer.StartAsync(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        });
        var registry = Registry(Local(server.BaseUri), TimeProvider.System, FastOptions with { Timeout = TimeSpan.FromMilliseconds(300) });

        var snapshot = await registry.GetSnapshotAsync(CancellationToken.None);

        Assert.Empty(snapshot.Instances);
        Assert.Contains("did not answer within", Assert.Single(snapshot.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsIsTrustedThroughTheInstanceCaBundleOnly()
    {
        using var certificates = new TestCertificates();
        using var directory = new TempDirectory();
        var caPath = certificates.WriteAuthorityPem(directory.Combine("ca.pem"));
        await using var server = await StubHttpServer.StartAsync(
            context => context.Response.WriteAsync("{\"rucio_base_url\": \"https://tls\", \"destination_rse\": \"R\", \"rse_mount_path\": \"/m\"}"),
            certificates.Server);

        var withoutCa = await Registry(Local(server.BaseUri), TimeProvider.System).GetSnapshotAsync(CancellationToken.None);
        var withCa = await Registry(Local(server.BaseUri, $", \"rucio_ca_cert\": \"{caPath}\""), TimeProvider.System).GetSnapshotAsync(CancellationToken.None);

        Assert.Empty(withoutCa.Instances);
        Assert.Contains("cannot fetch", Assert.Single(withoutCa.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://tls"), Assert.Single(withCa.Instances).BaseUrl);
    }

    [Fact]
    public async Task QueryStringOfTheUrlNeverAppearsInMessages()
    {
        await using var server = await StubHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        var url = new Uri(server.BaseUri, "config.json?access_key=SECRET123");

        var snapshot = await Registry(Local(url), TimeProvider.System).GetSnapshotAsync(CancellationToken.None);

        var problem = Assert.Single(snapshot.Problems);
        Assert.DoesNotContain("SECRET123", problem.Message, StringComparison.Ordinal);
        Assert.Contains("config.json", problem.Message, StringComparison.Ordinal);
    }
}
