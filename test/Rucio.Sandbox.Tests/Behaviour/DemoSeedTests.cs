using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Rucio.Sandbox.Tests.Support;

namespace Rucio.Sandbox.Tests.Behaviour;

/// <summary>
/// <c>--seed demo</c> must give a ready-to-use world: a rucio-config.json for the extension's replica mode whose
/// mount path really holds the destination RSE's files, and storage that serves byte ranges over HTTP.
/// </summary>
public sealed class DemoSeedTests(DemoSandboxFixture fixture) : IClassFixture<DemoSandboxFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_demo_config_maps_a_listed_PFN_of_the_destination_RSE_to_an_existing_local_file()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var sandbox = fixture.Sandbox;
        var config = ReadReplicaModeConfig(sandbox.DataDirectory);
        var token = await sandbox.LoginAsync(timeout.Token);

        var replicas = await DemoCatalogue.ReplicasAsync(sandbox, token, timeout.Token);
        Assert.NotEmpty(replicas);
        var onDestination = replicas.FirstOrDefault(r => r.Rse == config.DestinationRse && r.State == "AVAILABLE")
            ?? await MakeAvailableAsync(sandbox, token, replicas[0], config.DestinationRse, timeout.Token);

        var local = LocalPathOf(onDestination.Pfn, config.MountPath, config.PathBeginsAt);

        Assert.True(File.Exists(local), $"PFN {onDestination.Pfn} maps to {local}, which does not exist");
        var bytes = await File.ReadAllBytesAsync(local, timeout.Token);
        Assert.Equal(onDestination.Bytes, bytes.LongLength);
        Assert.Equal(onDestination.Adler32, RucioPaths.Adler32(bytes));
    }

    [Fact]
    public async Task Storage_serves_a_byte_range_with_206()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var sandbox = fixture.Sandbox;
        var token = await sandbox.LoginAsync(timeout.Token);
        var replicas = await DemoCatalogue.ReplicasAsync(sandbox, token, timeout.Token);
        var served = replicas.FirstOrDefault(r => r.State == "AVAILABLE" && r.Bytes >= 20 && r.Pfn.StartsWith("http", StringComparison.OrdinalIgnoreCase));
        Assert.True(served is not null, "no AVAILABLE replica of 20+ bytes with an http(s) PFN: " + string.Join(", ", replicas.Select(r => r.Pfn).Take(5)));

        using var client = SandboxHost.CreateClient(sandbox.BaseUrl);
        using var whole = await GetAsync(client, served.Pfn, token, null, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        var all = await whole.Content.ReadAsByteArrayAsync(timeout.Token);
        Assert.Equal(served.Bytes, all.LongLength);
        Assert.Equal(served.Adler32, RucioPaths.Adler32(all));

        using var partial = await GetAsync(client, served.Pfn, token, new RangeHeaderValue(10, 19), timeout.Token);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal($"bytes 10-19/{served.Bytes}", partial.Content.Headers.ContentRange?.ToString());
        Assert.Equal(all[10..20], await partial.Content.ReadAsByteArrayAsync(timeout.Token));
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string token, RangeHeaderValue? range, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation(SandboxHost.TokenHeader, token);
        request.Headers.Range = range;
        return await client.SendAsync(request, cancellationToken);
    }

    /// <summary>Creates a rule to the destination RSE and waits (with a deadline) for its replica there.</summary>
    private static async Task<ListedReplica> MakeAvailableAsync(SandboxHost sandbox, string token, ListedReplica file, string destination, CancellationToken cancellationToken)
    {
        using var created = await Scenario.AddRuleAsync(sandbox, token, file.Scope, file.Name, destination, cancellationToken);
        await Scenario.RuleIdOfAsync(created, cancellationToken);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var replicas = await DemoCatalogue.ReplicasAsync(sandbox, token, cancellationToken);
            var available = replicas.FirstOrDefault(r => r.Scope == file.Scope && r.Name == file.Name && r.Rse == destination && r.State == "AVAILABLE");
            if (available is not null)
            {
                return available;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        throw new TimeoutException($"{file.Scope}:{file.Name} did not become AVAILABLE on {destination} within 30 s");
    }

    private sealed record ReplicaModeConfig(string DestinationRse, string MountPath, int PathBeginsAt);

    /// <summary>Finds rucio-config.json in the data directory and the instance entry that configures replica mode.</summary>
    private static ReplicaModeConfig ReadReplicaModeConfig(string dataDirectory)
    {
        var path = Directory.EnumerateFiles(dataDirectory, "rucio-config.json", SearchOption.AllDirectories).FirstOrDefault();
        Assert.True(path is not null, $"--seed demo wrote no rucio-config.json under {dataDirectory}");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var instance = FindObjectWith(document.RootElement, "rse_mount_path");
        Assert.True(instance.HasValue, "rucio-config.json has no entry with rse_mount_path");
        var entry = instance.Value;
        return new ReplicaModeConfig(
            entry.GetProperty("destination_rse").GetString()!,
            entry.GetProperty("rse_mount_path").GetString()!,
            entry.TryGetProperty("path_begins_at", out var begins) ? begins.GetInt32() : 0);
    }

    private static JsonElement? FindObjectWith(JsonElement element, string key)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(key, out _))
            {
                return element;
            }

            return element.EnumerateObject().Select(p => FindObjectWith(p.Value, key)).FirstOrDefault(found => found.HasValue);
        }

        return element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray().Select(e => FindObjectWith(e, key)).FirstOrDefault(found => found.HasValue)
            : null;
    }

    /// <summary>The extension's PFN-to-path rule (existing-extension.md §4.4), re-implemented independently.</summary>
    private static string LocalPathOf(string pfn, string mountPath, int pathBeginsAt)
    {
        var path = Uri.UnescapeDataString(new Uri(pfn).AbsolutePath).Trim('/');
        var rest = pathBeginsAt == 0 ? path : path.Split('/', pathBeginsAt + 1)[^1];
        return Path.Combine(mountPath, rest);
    }
}
