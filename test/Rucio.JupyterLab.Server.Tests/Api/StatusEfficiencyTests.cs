using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Rucio.Client;
using Rucio.JupyterLab.Server.Features.Replica;
using Rucio.JupyterLab.Server.Features.Status;
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

/// <summary>
/// The lean listings the status reads (Rucio.Client's <c>ListFileEntriesAsync</c> and <c>ListOnRseAsync</c>) against
/// the model-based listings as reference: whatever the shape of a line, both read the same scope, name, size, state
/// and first PFN.
/// </summary>
public sealed class LeanListingTests
{
    private const string Rse = "CERN-EOS";

    private static readonly string[] ReplicaLines =
    [
        // Properties in another order, other RSEs first, escapes, nested details to skip, two PFNs on the RSE.
        """{"states": {"OTHER": "AVAILABLE", "CERN-EOS": "AVAILABLE"}, "pfns": {"root://a//x": {"rse": "OTHER", "priority": 1, "n": [1, {"a": null}]}}, "rses": {"OTHER": ["root://a//x"], "CERN-EOS": ["root://eos//eos/f\u00e9.txt", "davs://eos/second"]}, "name": "f\u00e9 \"q\".txt", "scope": "user.root", "extra": {"k": [true]}}""",
        """{"scope": "user.root", "name": "b", "bytes": 1, "md5": null, "rses": {"CERN-EOS": []}, "states": {"CERN-EOS": "C"}}""",
        """{"scope": "other", "name": "c", "rses": {}, "states": {"DESY": "AVAILABLE"}}""",
        """{"scope": "user.root", "name": "d", "pfns": {}, "rses": {"CERN-EOS": ["file://host/d"]}, "states": {"CERN-EOS": "ReplicaState.BEING_DELETED"}}""",
    ];

    private static readonly string[] FileLines =
    [
        """{"scope": "user.root", "name": "a.txt", "bytes": 42, "adler32": "0001", "guid": null, "events": null}""",
        """{"guid": "E94F", "bytes": null, "name": "b\/c.txt", "scope": "user.root", "meta": {"x": [1, 2]}}""",
        """{"scope": "other", "name": "d", "bytes": 9007199254740993}""",
    ];

    [Fact]
    public async Task ReplicaLinesReadForOneRseMatchTheFullModel()
    {
        using var client = ClientAnswering(ReplicaLines);
        var request = new ReplicaListRequest { Dids = [new Did("user.root", "ds")], RseExpression = Rse };

        var lean = await client.Replicas.ListOnRseAsync(request, Rse).ToListAsync();
        var full = await client.Replicas.ListAsync(request).ToListAsync();

        Assert.Equal(
            full.Select(r => new RseReplica(r.Scope, r.Name, r.States.TryGetValue(Rse, out var state) ? state : null, r.Rses.GetValueOrDefault(Rse)?.FirstOrDefault())),
            lean);
        Assert.Equal(new RseReplica("user.root", "f\u00e9 \"q\".txt", ReplicaState.Available, "root://eos//eos/f\u00e9.txt"), lean[0]);
        Assert.Equal([ReplicaState.Available, ReplicaState.Copying, null, ReplicaState.BeingDeleted], lean.Select(r => r.State));
        // Consecutive lines of one scope share its string.
        Assert.Same(lean[0].Scope, lean[1].Scope);
    }

    [Fact]
    public async Task FileLinesMatchTheFullModel()
    {
        using var client = ClientAnswering(FileLines);
        var did = new Did("user.root", "ds");

        var lean = await client.Dids.ListFileEntriesAsync(did).ToListAsync();
        var full = await client.Dids.ListFilesAsync(did).ToListAsync();

        Assert.Equal(full.Select(f => new DidFileEntry(f.Scope, f.Name, f.Bytes)), lean);
        Assert.Equal([42L, null, 9007199254740993L], lean.Select(f => f.Bytes));
        Assert.Equal("b/c.txt", lean[1].Name);
    }

    [Theory]
    [InlineData("""{"scope": "user.root", "name": 5}""")]
    [InlineData("""{"scope": "user.root", "name": "a"} {"scope": "user.root"}""")]
    [InlineData("""["user.root", "a"]""")]
    [InlineData("""{"scope": "user.root", "name": "a", "rses": {"CERN-EOS": "root://x/a"}}""")]
    [InlineData("""{"scope": "user.root", "name": "a", "rses": {"CERN-EOS": [["root://x/a"]]}}""")]
    [InlineData("""{"scope": "user.root", "name": "a", "states": ["AVAILABLE"]}""")]
    public async Task AMalformedLineIsAnInvalidResponseNotAShorterListing(string line)
    {
        using var client = ClientAnswering([ReplicaLines[1], line]);
        var request = new ReplicaListRequest { Dids = [new Did("user.root", "ds")] };

        var error = await Assert.ThrowsAsync<RucioException>(async () => await client.Replicas.ListOnRseAsync(request, Rse).ToListAsync());

        Assert.Equal(RucioException.InvalidResponseCode, error.ErrorCode);
        Assert.Contains("Line 2", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A client whose server answers every listing with the given NDJSON lines.</summary>
    private static RucioClient ClientAnswering(string[] lines) => new(
        new RucioClientOptions
        {
            BaseUri = new Uri("http://rucio.invalid"),
            Account = "root",
            Credential = RucioCredential.UserPass("ddmlab", "secret"),
            Retry = new RetryOptions { MaxRetries = 0 },
        },
        new ScriptedRucio(string.Concat(lines.Select(l => l + "\n"))));

    private sealed class ScriptedRucio(string ndjson) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
            if (request.RequestUri!.AbsolutePath.StartsWith("/auth/", StringComparison.Ordinal))
            {
                response.Content = new ByteArrayContent([]);
                response.Headers.Add("X-Rucio-Auth-Token", "root-ddmlab-test");
                response.Headers.Add("X-Rucio-Auth-Token-Expires", DateTime.UtcNow.AddHours(1).ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                response.Content = new StringContent(ndjson, Encoding.UTF8, "application/x-json-stream");
            }

            return Task.FromResult(response);
        }
    }
}

/// <summary>
/// The compact form of a status: PFNs in pieces (shared head, no repeated name) that expand to exactly the listed
/// PFNs, the allocation-free mapping check that agrees with the mapping itself, and snapshots that survive the cache
/// table with their pieces.
/// </summary>
public sealed class CompactStatusTableTests
{
    [Fact]
    public void CompactPfnsExpandToTheListedPfnsAndShareAFewHeads()
    {
        (string Pfn, string Name)[] listed =
        [
            ("root://eos:1094//eos/rucio/user/root/f9/1c/a.txt", "a.txt"),
            ("root://eos:1094//eos/rucio/user/root/3e/07/b.txt", "b.txt"),
            ("root://eos:1094//eos/rucio/user/root/3e/07/b.txt", "b.txt"),
            ("root://eos:1094//eos/rucio/group/phys/aa/bb/c.txt", "c.txt"),
            ("root://eos:1094//eos/rucio/user/root/00/01/not-the-name", "d.txt"),
            ("davs://other:443/data/e.txt", "e.txt"),
            ("root://eos:1094//eos/rucio/user/root/12/34/dir/f.txt", "dir/f.txt"),
            ("same-as-name", "same-as-name"),
            ("", "g.txt"),
        ];
        var compressor = new PfnCompressor();

        var compact = listed.Select(f => (Pfn: compressor.Compress(f.Pfn, f.Name), f.Name)).ToList();

        Assert.Equal(listed.Select(f => f.Pfn), compact.Select(c => c.Pfn.Expand(c.Name)));
        Assert.True(compact[0].Pfn.EndsWithName);
        Assert.False(compact[4].Pfn.EndsWithName);
        // The head shrinks to what the PFNs share; only a PFN sharing nothing with it (another host) starts anew.
        Assert.Equal(
            ["root://eos:1094//eos/rucio/user/root/f9/1c/", "root://eos:1094//eos/rucio/user/root/", "root://eos:1094//eos/rucio/user/root/",
             "root://eos:1094//eos/rucio/", "root://eos:1094//eos/rucio/", "davs://other:443/data/", "root://eos:1094//eos/rucio/user/root/12/34/", "", ""],
            compact.Select(c => c.Pfn.Head));
        Assert.Same(compact[1].Pfn.Head, compact[2].Pfn.Head);
        Assert.Same(compact[3].Pfn.Head, compact[4].Pfn.Head);
        Assert.Equal("3e/07/", compact[1].Pfn.Tail);
        Assert.Null(CompactPfn.None.Expand("x"));
        Assert.Equal("root://x/y", CompactPfn.Whole("root://x/y").Expand("y"));
    }

    [Theory]
    [InlineData("root://xrd1:1094//rucio/test/49/ad/f1.txt", 1)]
    [InlineData("root://xrd1:1094//rucio/test/49/ad/f1.txt", 9)]
    [InlineData("root://host//rucio/../../../etc/passwd", 1)]
    [InlineData("root://host//rucio/ok/../x", 1)]
    [InlineData("root://host//rucio/./x", 1)]
    [InlineData("root://host//rucio//x", 1)]
    [InlineData("root://host//rucio/x/", 0)]
    [InlineData("root://host//rucio/a/b/../../../../x", 0)]
    [InlineData("root://host/a\0b", 0)]
    [InlineData("https://host:443/mnt/rse/a.txt?x=/../../y#f", 2)]
    [InlineData("https://host:443?x=/a", 0)]
    [InlineData("file://host", 0)]
    [InlineData("not a url", 0)]
    [InlineData("a b://host/x", 0)]
    [InlineData("root://host/...", 0)]
    public void CanMapDecidesLikeMap(string pfn, int pathBeginsAt)
    {
        var mapper = new PfnPathMapper("/eos/rucio", pathBeginsAt);

        var mapped = mapper.Map(pfn, out var mapRefusal);
        var canMap = mapper.CanMap(pfn, out var refusal);

        Assert.Equal(mapped is not null, canMap);
        Assert.Equal(mapRefusal, refusal);
    }

    [Fact]
    public void SnapshotsRoundTripWithTheirPfnPiecesAndSharedHeads()
    {
        var compressor = new PfnCompressor();
        StatusFileTable.Row Ok(string name, string hashDirectories) =>
            new("user.root", name, 5, FileStatus.Ok, compressor.Compress($"root://eos//eos/rucio/user/root/{hashDirectories}{name}", name), null);
        StatusFileTable.Row[] rows =
        [
            Ok("a.txt", "f9/1c/"),
            new("user.root", "b.txt", -1, FileStatus.Stuck, CompactPfn.None, "Transfers keep failing."),
            Ok("c.txt", "3e/07/"),
            new("other", "d.txt", 7, FileStatus.NotAvailable, compressor.Compress("root://eos//../d.txt", "d.txt"), "outside the mount"),
            Ok("e.txt", "00/01/"),
            new("user.root", "f.txt", 1, FileStatus.Ok, CompactPfn.None, null, "/home/user/f.txt"),
            new("user.root", "g.txt", 1, FileStatus.Ok, "file://localhost/home/user/g.txt", null, "/home/user/g.txt"),
        ];
        var snapshot = new DidStatusSnapshot(new Did("user.root", "ds"), "dataset", "replica",
            new StatusFileTable(rows, new PfnPathMapper("/eos/rucio", 2)), [], null, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        var read = SnapshotSerializer.Deserialize(SnapshotSerializer.Serialize(snapshot))!;

        Assert.Equal(snapshot.Files, read.Files);
        Assert.Equal("/eos/rucio/user/root/3e/07/c.txt", read.Files[2].Path);
        var readRows = Assert.IsType<StatusFileTable>(read.Files).Rows.ToArray();
        Assert.Equal("root://eos//", readRows[3].CompactPfn.Head);
        Assert.Same(readRows[3].CompactPfn.Head, readRows[4].CompactPfn.Head);
        Assert.Equal(rows.Select(r => r.CompactPfn), readRows.Select(r => r.CompactPfn));
    }
}
