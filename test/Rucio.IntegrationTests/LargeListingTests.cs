using Rucio.Client;

namespace Rucio.IntegrationTests;

/// <summary>A 100,000-file listing is streamed: the client never holds more than a small window of it.</summary>
public sealed class LargeListingTests : IAsyncLifetime
{
    private const int Files = 100_000;
    private SandboxProcess _server = null!;

    public async Task InitializeAsync() =>
        _server = await SandboxProcess.StartAsync(TimeSpan.FromMinutes(5), "--seed-large", Files.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Streaming_100k_replicas_keeps_the_managed_heap_bounded()
    {
        using var client = new RucioClient(new RucioClientOptions
        {
            BaseUri = _server.Url,
            Account = "root",
            Credential = RucioCredential.UserPass("ddmlab", "secret"),
            Timeout = TimeSpan.FromMinutes(2),
        });
        var dataset = Did.Parse($"user.root:large_{Files}");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0, count = 0;

        await foreach (var replica in client.Replicas.ListAsync(new ReplicaListRequest { Dids = [dataset] }))
        {
            Assert.False(string.IsNullOrEmpty(replica.Name));
            if (++count % 5_000 == 0)
            {
                // Forced collections measure what is still referenced, not garbage waiting for the next GC.
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        Assert.Equal(Files, count);
        // Buffered, 100k replicas with their PFN dictionaries would hold well over 100 MB of objects.
        Assert.True(peak < 16L * 1024 * 1024, $"live heap grew by {peak / 1048576.0:F1} MiB while streaming");
    }
}
