using System.Text.Json.Nodes;
using Rucio.Client;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

/// <summary>
/// The upload routes against the Sandbox: files and folders from Jupyter's root directory end up as replicas with a
/// rule on CERN-EOS, jobs show in <c>upload/jobs</c> and in <c>transfers</c> (kind upload), paths are confined, logs
/// are readable and private, jobs can be removed and cancelled.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class UploadTests(SandboxFixture sandbox)
{
    private const string Prefix = "/rucio-jupyterlab";

    [Fact]
    public async Task AFileAndAFolderFromTheRootDirectoryBecomeReplicasWithRulesAndShowAsUploadTransfers()
    {
        using var root = new TempDirectory();
        using var outside = new TempDirectory();
        var tag = Guid.NewGuid().ToString("N")[..8];
        root.WriteFile($"data/a_{tag}.csv", new string('a', 300));
        root.WriteFile($"results_{tag}/x.txt", new string('x', 200));
        root.WriteFile($"results_{tag}/sub/y.txt", new string('y', 100));
        root.WriteFile($"results_{tag}/.hidden", "not uploaded");
        File.CreateSymbolicLink(root.Combine($"results_{tag}", "escape.txt"), outside.WriteFile("secret.txt", "outside the root"));
        await using var backend = await StartAsync(root.Path);

        var (status, started) = await backend.SendAsync(HttpMethod.Post, $"{Prefix}/upload?namespace=sandbox", new
        {
            file_paths = new[] { $"data/a_{tag}.csv", $"results_{tag}" },
            rse = "CERN-EOS",
            scope = "user.root",
            add_to_dataset = false,
            dataset_scope = (string?)null,
            dataset_name = (string?)null,
            lifetime = 172800,
        });
        var ids = started!["job_ids"]!.AsArray().Select(id => (string)id!).ToList();
        var jobs = await WaitForJobsAsync(backend, ids, "OK");
        var (_, transfers) = await backend.GetAsync($"{Prefix}/transfers?namespace=sandbox");

        Assert.Equal(200, status);
        Assert.True((bool)started["success"]!);
        Assert.Equal(2, ids.Count);
        var file = jobs.Single(j => (string?)j["id"] == ids[0]);
        var folder = jobs.Single(j => (string?)j["id"] == ids[1]);
        Assert.Equal($"user.root:a_{tag}.csv", (string?)file["did"]);
        Assert.Equal($"data/a_{tag}.csv", (string?)file["path"]);
        Assert.Equal("CERN-EOS", (string?)file["rse"]);
        Assert.Equal(172800, (long)file["lifetime"]!);
        Assert.Equal("sandbox", (string?)file["namespace"]);
        Assert.Null(file["dataset_did"]);
        Assert.Equal($"user.root:results_{tag}", (string?)folder["did"]);
        Assert.Equal(300, (long)folder["bytes_total"]!);
        Assert.Equal(2, (int)folder["files_total"]!);

        foreach (var id in ids)
        {
            var row = transfers!.AsArray().Single(t => (string?)t!["id"] == id)!;
            Assert.Equal("upload", (string?)row["kind"]);
            Assert.Equal("DONE", (string?)row["status"]);
            Assert.Equal((long)row["bytes_total"]!, (long)row["bytes_done"]!);
            Assert.NotNull((string?)row["finished_at"]);
        }

        using var client = SandboxData.RootClient(sandbox.DirectUri);
        Did[] expected = [new("user.root", $"a_{tag}.csv"), new("user.root", $"results_{tag}/x.txt"), new("user.root", $"results_{tag}/sub/y.txt")];
        foreach (var did in expected)
        {
            var replica = Assert.Single(await client.Replicas.ListForDidAsync(did).ToListAsync());
            Assert.Equal(ReplicaState.Available, replica.States["CERN-EOS"]);
            var rule = Assert.Single(await client.Dids.ListRulesAsync(did).ToListAsync());
            Assert.Equal("CERN-EOS", rule.RseExpression);
            Assert.NotNull(rule.ExpiresAt);
        }

        await Assert.ThrowsAsync<RucioException>(() => client.Dids.GetAsync(new Did("user.root", $"results_{tag}/escape.txt")));
        var (_, log) = await backend.GetAsync($"{Prefix}/upload/jobs/log?namespace=sandbox&id={ids[1]}");
        Assert.Contains($"OK user.root:results_{tag}/sub/y.txt", (string?)log!["text"], StringComparison.Ordinal);
        Assert.Contains("Skipped escape.txt", (string?)log["text"], StringComparison.Ordinal);
        Assert.DoesNotContain("secret", (string?)log["text"], StringComparison.Ordinal);
        var logFile = Path.Combine(backend.DataDirectory, "logs", "upload", ids[1] + ".log");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(logFile));
    }

    [Fact]
    public async Task FilesGoIntoADatasetThatIsCreatedWithOneRule()
    {
        using var root = new TempDirectory();
        var tag = Guid.NewGuid().ToString("N")[..8];
        root.WriteFile($"d_{tag}/one.txt", "1111");
        root.WriteFile($"d_{tag}/two.txt", "22");
        await using var backend = await StartAsync(root.Path);

        var (status, started) = await backend.SendAsync(HttpMethod.Post, $"{Prefix}/upload?namespace=sandbox", new
        {
            file_paths = new[] { $"d_{tag}/one.txt", $"d_{tag}/two.txt" },
            rse = "CERN-EOS",
            scope = "user.root",
            add_to_dataset = true,
            dataset_scope = (string?)null,
            dataset_name = $"ds_{tag}",
            lifetime = (int?)null,
        });
        var ids = started!["job_ids"]!.AsArray().Select(id => (string)id!).ToList();
        var jobs = await WaitForJobsAsync(backend, ids, "OK");

        Assert.Equal(200, status);
        Assert.All(jobs, job => Assert.Equal($"user.root:ds_{tag}", (string?)job["dataset_did"]));
        Assert.All(jobs, job => Assert.Null(job["lifetime"]));
        using var client = SandboxData.RootClient(sandbox.DirectUri);
        var dataset = new Did("user.root", $"ds_{tag}");
        var files = await client.Dids.ListFilesAsync(dataset).Select(f => f.Name).OrderBy(n => n, StringComparer.Ordinal).ToListAsync();
        Assert.Equal(["one.txt", "two.txt"], files);
        var rule = Assert.Single(await client.Dids.ListRulesAsync(dataset).ToListAsync());
        Assert.Equal("CERN-EOS", rule.RseExpression);
        Assert.Null(rule.ExpiresAt);
    }

    [Fact]
    public async Task PathsOutsideTheRootAndBadRequestsAreRefusedWithoutCreatingJobs()
    {
        using var parent = new TempDirectory();
        var root = Directory.CreateDirectory(parent.Combine("root")).FullName;
        parent.WriteFile("outside.txt", "outside");
        parent.WriteFile("root/ok.txt", "inside");
        File.CreateSymbolicLink(Path.Combine(root, "link.txt"), parent.Combine("outside.txt"));
        await using var backend = await StartAsync(root);

        var dotDot = await UploadAsync(backend, ["../outside.txt"]);
        var link = await UploadAsync(backend, ["link.txt"]);
        var absolute = await UploadAsync(backend, [parent.Combine("outside.txt")]);
        var mixed = await UploadAsync(backend, ["ok.txt", "../outside.txt"]);
        var missing = await UploadAsync(backend, ["nope.txt"]);
        var empty = await UploadAsync(backend, []);
        var noRse = await UploadAsync(backend, ["ok.txt"], rse: "");
        var noScope = await UploadAsync(backend, ["ok.txt"], scope: null);
        var noDatasetName = await backend.SendAsync(HttpMethod.Post, $"{Prefix}/upload?namespace=sandbox",
            new { file_paths = new[] { "ok.txt" }, rse = "CERN-EOS", scope = "user.root", add_to_dataset = true, dataset_name = "" });
        var badLifetime = await backend.SendAsync(HttpMethod.Post, $"{Prefix}/upload?namespace=sandbox",
            new { file_paths = new[] { "ok.txt" }, rse = "CERN-EOS", scope = "user.root", lifetime = -5 });
        var (_, jobs) = await backend.GetAsync($"{Prefix}/upload/jobs?namespace=sandbox");

        Assert.Equal(403, dotDot.Status);
        Assert.Contains("outside the folders you may upload from", (string?)dotDot.Body!["error"], StringComparison.Ordinal);
        Assert.Equal(403, link.Status);
        Assert.Equal(403, absolute.Status);
        Assert.Equal(403, mixed.Status);
        Assert.Equal(404, missing.Status);
        Assert.Equal(400, empty.Status);
        Assert.Equal(400, noRse.Status);
        Assert.Equal("Choose a destination RSE for the upload.", (string?)noRse.Body!["error"]);
        Assert.Equal(400, noScope.Status);
        Assert.Contains("scope", (string?)noScope.Body!["error"], StringComparison.Ordinal);
        Assert.Equal(400, noDatasetName.Status);
        Assert.Equal(400, badLifetime.Status);
        Assert.Empty(jobs!.AsArray());
    }

    [Fact]
    public async Task JobsCanBeCancelledQueuedOrRunningAndRemovedOnlyOnceFinished()
    {
        using var root = new TempDirectory();
        root.WriteFile("a.txt", "a");
        root.WriteFile("b.txt", "b");
        root.WriteFile("c.txt", "c");
        await using var gate = await HoldingRucio.StartAsync(sandbox.DirectUri);
        await using var backend = await BackendHost.StartAsync(sandbox.ReplicaConfig(gate.Uri), extraArgs: ["--root-dir", root.Path]);
        await backend.LoginAsync("sandbox");

        var (_, started) = await backend.SendAsync(HttpMethod.Post, $"{Prefix}/upload?namespace=sandbox",
            new { file_paths = new[] { "a.txt", "b.txt", "c.txt" }, rse = "CERN-EOS", scope = "user.root" });
        var ids = started!["job_ids"]!.AsArray().Select(id => (string)id!).ToList();
        // Two workers: two jobs wait on Rucio's first answer, the third stays queued.
        await Poll.UntilAsync(() => gate.Held >= 2, "two uploads to wait on Rucio");
        var transfers = await TransfersAsync(backend);
        var queued = transfers.Single(t => (string?)t["status"] == "QUEUED");
        var running = transfers.Where(t => (string?)t["status"] == "RUNNING").Select(t => (string)t["id"]!).ToList();
        var (deleteRunning, refused) = await backend.SendAsync(HttpMethod.Delete, $"{Prefix}/upload/jobs/details?namespace=sandbox&id={running[0]}");

        var cancels = new List<int>();
        foreach (var id in new[] { (string)queued["id"]!, running[0], running[1] })
        {
            cancels.Add((await backend.SendAsync(HttpMethod.Post, $"{Prefix}/transfers/cancel?namespace=sandbox", new { id })).Status);
        }

        var jobs = await WaitForJobsAsync(backend, ids, "CANCELLED");
        var (again, _) = await backend.SendAsync(HttpMethod.Post, $"{Prefix}/transfers/cancel?namespace=sandbox", new { id = running[0] });
        var (deleted, success) = await backend.SendAsync(HttpMethod.Delete, $"{Prefix}/upload/jobs/details?namespace=sandbox&id={running[0]}");
        var (details, _) = await backend.GetAsync($"{Prefix}/upload/jobs/details?namespace=sandbox&id={running[0]}");
        var (logStatus, log) = await backend.GetAsync($"{Prefix}/upload/jobs/log?namespace=sandbox&id={running[0]}");
        var (_, remaining) = await backend.GetAsync($"{Prefix}/upload/jobs?namespace=sandbox");
        var (_, otherDetails) = await backend.GetAsync($"{Prefix}/upload/jobs/details?namespace=sandbox&id={running[1]}");

        Assert.Equal(2, running.Count);
        Assert.Equal(409, deleteRunning);
        Assert.Equal("TransferActive", (string?)refused!["exception_class"]);
        Assert.Equal([200, 200, 200], cancels);
        Assert.All(jobs, job => Assert.Equal("Cancelled by the user.", (string?)job["error"]));
        Assert.Equal(409, again);
        Assert.Equal(200, deleted);
        Assert.True((bool)success!["success"]!);
        Assert.Equal(404, details);
        Assert.Equal(404, logStatus);
        Assert.Equal("Logfile does not exist", (string?)log!["text"]);
        Assert.Equal(2, remaining!.AsArray().Count);
        Assert.Equal("CANCELLED", (string?)otherDetails!["status"]);
        Assert.False(File.Exists(Path.Combine(backend.DataDirectory, "logs", "upload", running[0] + ".log")));
    }

    [Fact]
    public async Task JobsSurviveARestartAndAJobWhoseWorkerDiedIsFailed()
    {
        using var root = new TempDirectory();
        using var data = new TempDirectory();
        var tag = Guid.NewGuid().ToString("N")[..8];
        root.WriteFile($"r_{tag}.txt", "restart");
        string doneId;
        await using (var first = await StartAsync(root.Path, data.Path))
        {
            var (_, started) = await first.SendAsync(HttpMethod.Post, $"{Prefix}/upload?namespace=sandbox",
                new { file_paths = new[] { $"r_{tag}.txt" }, rse = "CERN-EOS", scope = "user.root" });
            doneId = (string)started!["job_ids"]![0]!;
            await WaitForJobsAsync(first, [doneId], "OK");
        }

        var state = await Rucio.DataLake.Core.State.StateDatabase.OpenAsync(data.Path, CancellationToken.None);
        var store = new Features.Upload.UploadJobStore(state, TimeProvider.System);
        var dead = new Features.Upload.UploadJob
        {
            Id = "0123456789abcdef0123456789abcdef",
            Instance = "sandbox",
            Did = new Did("user.root", "dead.txt"),
            Path = "dead.txt",
            LocalPath = root.Combine("dead.txt"),
            Rse = "CERN-EOS",
            State = Features.Upload.UploadJobState.Queued,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await store.InsertAsync(dead, CancellationToken.None);
        await store.TransitionAsync(dead.Id, Features.Upload.UploadJobState.Running, null, CancellationToken.None, Features.Upload.UploadJobState.Queued);

        await using var second = await StartAsync(root.Path, data.Path);
        var (_, jobs) = await second.GetAsync($"{Prefix}/upload/jobs?namespace=sandbox");
        var transfers = await TransfersAsync(second);

        Assert.Equal("OK", (string?)jobs!.AsArray().Single(j => (string?)j!["id"] == doneId)!["status"]);
        var failed = jobs.AsArray().Single(j => (string?)j!["id"] == dead.Id)!;
        Assert.Equal("FAILED", (string?)failed["status"]);
        Assert.Contains("interrupted", (string?)failed["error"], StringComparison.Ordinal);
        Assert.Equal("FAILED", (string?)transfers.Single(t => (string?)t["id"] == dead.Id)["status"]);
    }

    private async Task<BackendHost> StartAsync(string rootDirectory, string? dataDirectory = null)
    {
        List<string> args = ["--root-dir", rootDirectory];
        if (dataDirectory is not null)
        {
            args.AddRange(["--data-dir", dataDirectory]);
        }

        var backend = await BackendHost.StartAsync(sandbox.ReplicaConfig(sandbox.DirectUri), extraArgs: args);
        await backend.LoginAsync("sandbox");
        return backend;
    }

    private static Task<(int Status, JsonNode? Body)> UploadAsync(BackendHost backend, string[] paths, string? rse = "CERN-EOS", string? scope = "user.root") =>
        backend.SendAsync(HttpMethod.Post, $"{Prefix}/upload?namespace=sandbox",
            new { file_paths = paths, rse, scope, add_to_dataset = false, lifetime = (int?)null });

    private static async Task<List<JsonNode>> TransfersAsync(BackendHost backend)
    {
        var (_, body) = await backend.GetAsync($"{Prefix}/transfers?namespace=sandbox");
        return [.. body!.AsArray().Select(t => t!)];
    }

    private static async Task<List<JsonNode>> WaitForJobsAsync(BackendHost backend, IReadOnlyCollection<string> ids, string status)
    {
        List<JsonNode> jobs = [];
        await Poll.UntilAsync(async () =>
        {
            var (_, body) = await backend.GetAsync($"{Prefix}/upload/jobs?namespace=sandbox");
            jobs = [.. body!.AsArray().Select(j => j!).Where(j => ids.Contains((string)j["id"]!))];
            var settled = jobs.Count == ids.Count && jobs.All(j => (string?)j["status"] is not "UPLOADING");
            if (settled && jobs.Any(j => (string?)j["status"] != status))
            {
                throw new Xunit.Sdk.XunitException($"Expected every job {status}: {string.Join(", ", jobs.Select(j => j.ToJsonString()))}");
            }

            return settled;
        }, $"the upload jobs to be {status}", TimeSpan.FromSeconds(30));
        return jobs;
    }

    /// <summary>
    /// A relay to the Sandbox that forwards everything except <c>POST /replicas/list</c> (an upload's first call),
    /// which it holds until the caller gives up: uploads stay RUNNING for as long as a test needs.
    /// </summary>
    private sealed class HoldingRucio : IAsyncDisposable
    {
        private readonly StubHttpServer _server;
        private readonly HttpClient _forward;
        private readonly Counter _held;

        private HoldingRucio(StubHttpServer server, HttpClient forward, Counter held)
        {
            _server = server;
            _forward = forward;
            _held = held;
        }

        public Uri Uri => _server.BaseUri;

        public int Held => _held.Value;

        public static async Task<HoldingRucio> StartAsync(Uri sandbox)
        {
            var forward = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = sandbox };
            var held = new Counter();
            var server = await StubHttpServer.StartAsync(async context =>
            {
                if (context.Request.Method == "POST" && context.Request.Path.StartsWithSegments("/replicas/list"))
                {
                    held.Increment();
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
                }

                using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
                if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
                {
                    request.Content = new StreamContent(context.Request.Body);
                }

                foreach (var (name, values) in context.Request.Headers)
                {
                    if (name is not "Host" && !request.Headers.TryAddWithoutValidation(name, values.ToArray()))
                    {
                        request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
                    }
                }

                using var response = await forward.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                {
                    if (name is not "Transfer-Encoding")
                    {
                        context.Response.Headers[name] = values.ToArray();
                    }
                }

                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            });
            return new HoldingRucio(server, forward, held);
        }

        public async ValueTask DisposeAsync()
        {
            await _server.DisposeAsync();
            _forward.Dispose();
        }

        private sealed class Counter
        {
            private int _value;

            public int Value => Volatile.Read(ref _value);

            public void Increment() => Interlocked.Increment(ref _value);
        }
    }
}
