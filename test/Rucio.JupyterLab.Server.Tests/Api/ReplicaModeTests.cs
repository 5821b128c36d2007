using Rucio.Client;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

/// <summary>
/// Replica mode end to end against the Sandbox, whose transfer worker really copies files into the mounted RSE
/// (CERN-EOS). Each test works on datasets of its own, so rules never leak between tests.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class ReplicaModeTests(SandboxFixture sandbox) : IAsyncLifetime
{
    private BackendHost _backend = null!;

    public async Task InitializeAsync()
    {
        _backend = await BackendHost.StartAsync(sandbox.ReplicaConfig(sandbox.DirectUri));
        await _backend.LoginAsync();
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task MakeAvailableGoesFromReplicatingToOkAndPathsPointAtTheMountedFiles()
    {
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "flow", ("a.csv", 1200), ("b.csv", 800), ("c.csv", 400));

        var before = await _backend.StatusAsync("sandbox", dataset.ToString());
        var (status, made) = await _backend.MakeAvailableAsync("sandbox", dataset.ToString());
        var right = await _backend.StatusAsync("sandbox", dataset.ToString());
        var done = await _backend.WaitForStatusAsync("sandbox", dataset.ToString(), "AVAILABLE");

        Assert.Equal("NOT_AVAILABLE", (string?)before["status"]);
        Assert.Equal("dataset", (string?)before["type"]);
        Assert.Equal(3, (int)before["counts"]!["not_available"]!);
        Assert.Equal(200, status);
        Assert.True((bool)made!["success"]!);
        Assert.Equal(32, ((string?)made["rule_id"])!.Length);
        Assert.Contains((string?)right["status"], new[] { "REPLICATING", "AVAILABLE" });
        Assert.Equal((string?)made["rule_id"], (string?)right["rules"]![0]!["id"]);
        Assert.Equal($"https://webui.example.org/ui/rule?rule_id={made["rule_id"]}", (string?)right["rules"]![0]!["webui_url"]);
        Assert.Equal(3, (int)done["counts"]!["ok"]!);
        Assert.Equal(2400, (long)done["bytes"]!["ok"]!);
        foreach (var file in done["files"]!.AsArray())
        {
            var path = (string)file!["path"]!;
            Assert.StartsWith(sandbox.MountPath + "/", path, StringComparison.Ordinal);
            Assert.True(File.Exists(path), $"{path} should exist on the mount");
            Assert.Equal((long)file["size"]!, new FileInfo(path).Length);
            Assert.StartsWith("file://", (string?)file["pfn"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DuplicateClicksSequentialAndConcurrentCreateOneRule()
    {
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "clicks", ("one.csv", 100), ("two.csv", 100));

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _backend.MakeAvailableAsync("sandbox", dataset.ToString())));
        var later = await _backend.MakeAvailableAsync("sandbox", dataset.ToString());

        Assert.All(concurrent, r => Assert.Equal(200, r.Status));
        var ids = concurrent.Append(later).Select(r => (string?)r.Body!["rule_id"]).Distinct().ToList();
        Assert.Single(ids);
        Assert.Single(concurrent, r => (bool)r.Body!["created"]!);
        using var client = SandboxData.RootClient(sandbox.DirectUri);
        var rules = await client.Dids.ListRulesAsync(dataset).ToListAsync();
        Assert.Single(rules, r => r.RseExpression == "CERN-EOS" && r.Account == "root");
        Assert.Equal(ids[0], rules[0].Id);
    }

    [Fact]
    public async Task QuotaRefusalIsA409WithASentenceAboutQuota()
    {
        // jdoe has 10 kB on CERN-EOS; this dataset needs 12 kB.
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "big", ("x.csv", 6000), ("y.csv", 6000));
        await _backend.LoginAsync("sandbox", "jdoe", "jdoe-secret", "jdoe");

        var (status, body) = await _backend.MakeAvailableAsync("sandbox", dataset.ToString());

        Assert.Equal(409, status);
        Assert.False((bool)body!["success"]!);
        Assert.Equal("InsufficientAccountLimit", (string?)body["exception_class"]);
        var sentence = (string)body["error"]!;
        Assert.Contains("Not enough quota", sentence, StringComparison.Ordinal);
        Assert.Contains("It needs 11.7 KiB on CERN-EOS", sentence, StringComparison.Ordinal);
        Assert.Contains("of its 9.8 KiB quota", sentence, StringComparison.Ordinal);
        Assert.Contains("'jdoe'", sentence, StringComparison.Ordinal);
        using var client = SandboxData.RootClient(sandbox.DirectUri);
        Assert.Empty(await client.Dids.ListRulesAsync(dataset).ToListAsync());
    }

    [Fact]
    public async Task StuckRuleShowsTheReasonPerFileAndRetryReplacesTheRule()
    {
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "stuck", ("fine.csv", 50), ("broken.stuck", 60));
        var (_, made) = await _backend.MakeAvailableAsync("sandbox", dataset.ToString());

        var stuck = await _backend.WaitForStatusAsync("sandbox", dataset.ToString(), "STUCK");
        var (retryStatus, retried) = await _backend.SendAsync(HttpMethod.Post, "/rucio-jupyterlab/did/rule/retry?namespace=sandbox", new { did = dataset.ToString() });

        Assert.Equal(1, (int)stuck["counts"]!["ok"]!);
        Assert.Equal(1, (int)stuck["counts"]!["stuck"]!);
        Assert.Contains("simulated failure", (string?)stuck["reason"], StringComparison.Ordinal);
        var broken = stuck["files"]!.AsArray().Single(f => ((string)f!["did"]!).EndsWith(".broken.stuck", StringComparison.Ordinal))!;
        Assert.Equal("STUCK", (string?)broken["status"]);
        Assert.Contains("simulated failure", (string?)broken["error"], StringComparison.Ordinal);
        Assert.Null((string?)broken["path"]);
        Assert.Equal("STUCK", (string?)stuck["rules"]![0]!["state"]);

        Assert.Equal(200, retryStatus);
        Assert.NotEqual((string?)made!["rule_id"], (string?)retried!["rule_id"]);
        using var client = SandboxData.RootClient(sandbox.DirectUri);
        var rules = await client.Dids.ListRulesAsync(dataset).ToListAsync();
        var replacement = Assert.Single(rules, r => r.Id == (string?)retried["rule_id"]);
        Assert.Equal("(CERN-EOS)", replacement.RseExpression);
        var old = Assert.Single(rules, r => r.Id == (string?)made["rule_id"]);
        Assert.NotNull(old.ExpiresAt);
    }

    [Fact]
    public async Task AFileWhoseTransferFinishedAfterTheReplicaListingWasReadIsArrivingNotStuck()
    {
        await using var proxy = await CountingProxy.StartAsync(sandbox.DirectUri);
        await using var backend = await BackendHost.StartAsync(sandbox.ReplicaConfig(proxy.Uri));
        await backend.LoginAsync();
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "race", ("fine.csv", 50), ("broken.stuck", 60));
        var (_, made) = await backend.MakeAvailableAsync("sandbox", dataset.ToString());
        using var client = SandboxData.RootClient(sandbox.DirectUri);
        await Poll.UntilAsync(async () => (await client.Rules.GetAsync((string)made!["rule_id"]!)).State == RuleState.Stuck, "the rule to get stuck", TimeSpan.FromSeconds(30));

        // The replica listing as it was read before either transfer finished; the locks are read as they are now.
        proxy.Answer = request => request.Path.EndsWith("/replicas/list", StringComparison.Ordinal) ? "" : null;
        var status = await backend.StatusAsync("sandbox", dataset.ToString(), refresh: true);

        var files = status["files"]!.AsArray();
        var fine = files.Single(f => ((string)f!["did"]!).EndsWith(".fine.csv", StringComparison.Ordinal))!;
        var broken = files.Single(f => ((string)f!["did"]!).EndsWith(".broken.stuck", StringComparison.Ordinal))!;
        Assert.Equal("REPLICATING", (string?)fine["status"]);
        Assert.Equal("STUCK", (string?)broken["status"]);
        Assert.Equal("REPLICATING", (string?)status["status"]);
    }

    [Fact]
    public async Task ARuleOnTheParentContainerCountsForItsDataset()
    {
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "child", ("p.csv", 70), ("q.csv", 80));
        var container = new Did("user.root", "parent_" + dataset.Name);
        using (var client = SandboxData.RootClient(sandbox.DirectUri))
        {
            await client.Dids.AddContainerAsync(container);
            await client.Dids.AttachAsync(container, [dataset]);
        }

        var (status, made) = await _backend.MakeAvailableAsync("sandbox", container.ToString());
        var done = await _backend.WaitForStatusAsync("sandbox", dataset.ToString(), "AVAILABLE");
        var (again, reused) = await _backend.MakeAvailableAsync("sandbox", dataset.ToString());

        Assert.Equal(200, status);
        Assert.Equal(2, (int)done["counts"]!["ok"]!);
        var rule = done["rules"]!.AsArray().Single()!;
        Assert.Equal((string?)made!["rule_id"], (string?)rule["id"]);
        Assert.Equal(container.ToString(), (string?)rule["did"]);
        Assert.Equal(200, again);
        Assert.Equal((string?)made["rule_id"], (string?)reused!["rule_id"]);
        Assert.False((bool)reused["created"]!);
    }

    [Fact]
    public async Task CompatibleDidRouteListsEveryFileAndOpenRuleRedirectsToTheWebUi()
    {
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "compat", ("r.csv", 10), ("s.csv", 20));
        var (_, made) = await _backend.MakeAvailableAsync("sandbox", dataset.ToString());
        await _backend.WaitForStatusAsync("sandbox", dataset.ToString(), "AVAILABLE");

        var (status, files) = await _backend.GetAsync($"/rucio-jupyterlab/did?namespace=sandbox&did={Uri.EscapeDataString(dataset.ToString())}&force=1");
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _backend.Http.BaseAddress };
        using var redirect = await noRedirect.GetAsync($"/rucio-jupyterlab/open-replication-rule?namespace=sandbox&did={Uri.EscapeDataString(dataset.ToString())}");

        Assert.Equal(200, status);
        var list = files!.AsArray();
        Assert.Equal(2, list.Count);
        Assert.All(list, f =>
        {
            Assert.Equal("OK", (string?)f!["status"]);
            Assert.True(File.Exists((string?)f["path"]));
            Assert.NotNull((string?)f["pfn"]);
            Assert.Null(f["error"]);
        });
        Assert.Equal(302, (int)redirect.StatusCode);
        Assert.Equal($"https://webui.example.org/ui/rule?rule_id={made!["rule_id"]}", redirect.Headers.Location?.ToString());
    }

    [Fact]
    public async Task NotebookResolveGivesPathsOfAvailableFilesOnly()
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/notebook/resolve?namespace=sandbox&did=" + Uri.EscapeDataString("opendata:higgs_diphoton_2012"));
        var (_, missing) = await _backend.GetAsync("/rucio-jupyterlab/notebook/resolve?namespace=sandbox&did=" + Uri.EscapeDataString("opendata:higgs_4lepton_2012"));

        Assert.Equal(200, status);
        Assert.Equal("collection", (string?)body!["type"]);
        Assert.True((bool)body["available"]!);
        Assert.Equal("AVAILABLE", (string?)body["status"]);
        Assert.Equal(5, body["files"]!.AsArray().Count);
        Assert.All(body["files"]!.AsArray(), f => Assert.True(File.Exists((string?)f!["path"])));
        Assert.False((bool)missing!["available"]!);
        Assert.Empty(missing["files"]!.AsArray());
    }

    [Fact]
    public async Task UnknownDidIsRuciosNotFoundAndBadDidIs400()
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/did/status?namespace=sandbox&did=" + Uri.EscapeDataString("opendata:no_such_thing"));
        var (bad, _) = await _backend.GetAsync("/rucio-jupyterlab/did/status?namespace=sandbox&did=nocolon");
        var (badBody, _) = await _backend.SendAsync(HttpMethod.Post, "/rucio-jupyterlab/did/make-available?namespace=sandbox", new { dids = "x" });

        Assert.Equal(404, status);
        Assert.Equal("DataIdentifierNotFound", (string?)body!["exception_class"]);
        Assert.Equal(400, bad);
        Assert.Equal(400, badBody);
    }
}
