using System.Text.Json.Nodes;
using Rucio.Client;
using Rucio.JupyterLab.Server.Infrastructure;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

/// <summary>
/// What the backend asks Rucio for a status, seen through a recording proxy: the files listing, one replica
/// listing restricted to the destination with the site as client location, and the rules — never anything per file;
/// one computation however many requests poll; and a refresh that is really fresh.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class StatusEfficiencyTests(SandboxFixture sandbox) : IAsyncLifetime
{
    private CountingProxy _proxy = null!;
    private BackendHost _backend = null!;

    public async Task InitializeAsync()
    {
        _proxy = await CountingProxy.StartAsync(sandbox.DirectUri);
        _backend = await BackendHost.StartAsync(sandbox.ReplicaConfig(_proxy.Uri, ", \"app_id\": \"jupyterlab-tests\""));
        await _backend.LoginAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task ARefreshAsksForFilesReplicasAndRulesOnlyWhateverTheNumberOfFiles()
    {
        var small = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "few", ("1.csv", 5), ("2.csv", 5));
        var large = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "many", [.. Enumerable.Range(0, 25).Select(i => ($"{i}.csv", 5))]);
        await _backend.MakeAvailableAsync("sandbox", large.ToString());
        await _backend.WaitForStatusAsync("sandbox", large.ToString(), "AVAILABLE");
        await _backend.StatusAsync("sandbox", small.ToString(), refresh: true);

        var smallCalls = await CallsOfOneRefreshAsync(small);
        var largeCalls = await CallsOfOneRefreshAsync(large);

        Assert.Equal(
            ["GET /dids/user.root/{name}/files", "GET /dids/user.root/{name}/parents", "GET /dids/user.root/{name}/rules", "POST /replicas/list"],
            smallCalls.Select(c => c.Replace(small.Name, "{name}", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        // The large dataset has an OK rule: its locks are not needed either, so the calls are the same four.
        Assert.Equal(smallCalls.Count, largeCalls.Count);
        Assert.DoesNotContain(largeCalls, c => c.Contains(".csv", StringComparison.Ordinal));

        var listing = _proxy.Requests.Last(r => r.Path == "/replicas/list");
        var body = JsonNode.Parse(listing.Body!)!;
        Assert.Equal("CERN-EOS", (string?)body["rse_expression"]);
        Assert.Equal("CERN", (string?)body["client_location"]!["site"]);
        Assert.Equal("def", listing.Headers["X-Rucio-VO"]);
        Assert.Equal("jupyterlab-tests", listing.Headers["X-Rucio-AppID"]);

        var metrics = _backend.Services.GetRequiredService<RucioCallMetrics>();
        Assert.True(metrics.CallCount("POST /replicas/list") >= 3);
        using var response = await _backend.Http.GetAsync("/rucio-jupyterlab/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("rucio_jupyterlab_rucio_calls_total{endpoint=\"POST /replicas/list\",outcome=\"ok\"}", text, StringComparison.Ordinal);
        Assert.Contains("rucio_jupyterlab_rucio_call_duration_seconds_count{endpoint=\"GET /dids/{scope}/{name}/files\"}", text, StringComparison.Ordinal);
        Assert.Contains("rucio_jupyterlab_cache_requests_total{cache=\"did_status\",result=\"miss\"}", text, StringComparison.Ordinal);
        Assert.Contains("rucio_jupyterlab_download_jobs{state=\"QUEUED\"} 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentPollsShareOneComputation()
    {
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "polls", ("a.csv", 5), ("b.csv", 5), ("c.csv", 5));
        _proxy.Clear();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _backend.StatusAsync("sandbox", dataset.ToString())));

        Assert.All(answers, a => Assert.Equal(3, (int)a["files_total"]!));
        Assert.Single(answers.Select(a => (string?)a["refreshed_at"]).Distinct());
        Assert.Equal(1, _proxy.Count(r => r.Path == $"/dids/{dataset.Scope}/{dataset.Name}/files"));
        Assert.Equal(1, _proxy.Count(r => r.Path == "/replicas/list"));
    }

    [Fact]
    public async Task CachedStatusIsServedWithoutRucioUntilARefreshWhichSeesAChangeAtOnce()
    {
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "fresh", ("a.csv", 5));
        var first = await _backend.StatusAsync("sandbox", dataset.ToString());
        using (var client = SandboxData.RootClient(sandbox.DirectUri))
        {
            // A rule made outside the panel (CLI, WebUI): only Rucio knows about it.
            await client.Rules.AddAsync(new RuleCreateOptions { Dids = [dataset], RseExpression = "CERN-EOS" });
        }

        _proxy.Clear();
        var cached = await _backend.StatusAsync("sandbox", dataset.ToString());
        var callsWhileCached = _proxy.Requests.Count;
        var refreshed = await _backend.StatusAsync("sandbox", dataset.ToString(), refresh: true);

        Assert.Equal("NOT_AVAILABLE", (string?)first["status"]);
        Assert.Equal("NOT_AVAILABLE", (string?)cached["status"]);
        Assert.Equal((string?)first["refreshed_at"], (string?)cached["refreshed_at"]);
        Assert.Equal(0, callsWhileCached);
        Assert.Contains((string?)refreshed["status"], new[] { "REPLICATING", "AVAILABLE" });
        Assert.Single(refreshed["rules"]!.AsArray());
    }

    [Fact]
    public async Task PagesOfFilesComeFromTheSameSnapshot()
    {
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "pages", [.. Enumerable.Range(0, 7).Select(i => ($"{i}.csv", 5))]);

        var first = await _backend.StatusAsync("sandbox", dataset.ToString(), extra: "&offset=0&limit=3");
        var last = await _backend.StatusAsync("sandbox", dataset.ToString(), extra: "&offset=6&limit=3");

        Assert.Equal(7, (int)first["files_total"]!);
        Assert.Equal(7, (int)first["counts"]!["total"]!);
        Assert.Equal(3, first["files"]!.AsArray().Count);
        Assert.Single(last["files"]!.AsArray());
        Assert.Equal((string?)first["refreshed_at"], (string?)last["refreshed_at"]);
    }

    [Fact]
    public async Task AFreshStatusSurvivesABackendRestartThroughTheStateDatabase()
    {
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "restart", ("a.csv", 5), ("b.csv", 6));
        using var data = new TempDirectory();
        var config = sandbox.ReplicaConfig(_proxy.Uri);
        JsonNode first;
        await using (var backend = await BackendHost.StartAsync(config, extraArgs: ["--data-dir", data.Path]))
        {
            await backend.LoginAsync();
            first = await backend.StatusAsync("sandbox", dataset.ToString());
            await Poll.UntilAsync(() => StoredStatuses(data.Path) > 0, "the status to reach the cache table");
        }

        _proxy.Clear();
        await using var restarted = await BackendHost.StartAsync(config, extraArgs: ["--data-dir", data.Path]);
        var second = await restarted.StatusAsync("sandbox", dataset.ToString());

        Assert.Equal((string?)first["refreshed_at"], (string?)second["refreshed_at"]);
        Assert.Equal(first["files"]!.ToJsonString(), second["files"]!.ToJsonString());
        Assert.Empty(_proxy.Requests);
        Assert.Equal(1, restarted.Services.GetRequiredService<RucioCallMetrics>().CacheCount("did_status", "hit_database"));
    }

    private static long StoredStatuses(string dataDirectory)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, "state.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM cache_entries WHERE kind = 'did-status';";
        return (long)command.ExecuteScalar()!;
    }

    private async Task<List<string>> CallsOfOneRefreshAsync(Did did)
    {
        _proxy.Clear();
        await _backend.StatusAsync("sandbox", did.ToString(), refresh: true);
        return [.. _proxy.Requests.Where(r => !r.Path.StartsWith("/auth/", StringComparison.Ordinal)).Select(r => r.ToString())];
    }
}
