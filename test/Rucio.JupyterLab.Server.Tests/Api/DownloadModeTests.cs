using Rucio.Client;
using Rucio.DataLake.Core.Transfers;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

/// <summary>Download mode against the Sandbox: the queue, files on disk, progress, cancel, and a job whose worker died.</summary>
[Collection(SandboxCollection.Name)]
public sealed class DownloadModeTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task MakeAvailableDownloadsIntoTheInstanceFolderAndResolveGivesThePaths()
    {
        await using var backend = await StartAsync();
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "dl", ("a.csv", 300), ("b.csv", 500));

        var before = await backend.StatusAsync("sandbox-download", dataset.ToString());
        var (status, made) = await backend.MakeAvailableAsync("sandbox-download", dataset.ToString());
        var (again, second) = await backend.MakeAvailableAsync("sandbox-download", dataset.ToString());
        var done = await backend.WaitForStatusAsync("sandbox-download", dataset.ToString(), "AVAILABLE");
        System.Text.Json.Nodes.JsonNode? transfers = null;
        await Poll.UntilAsync(async () =>
        {
            (_, transfers) = await backend.GetAsync("/rucio-jupyterlab/transfers?namespace=sandbox-download");
            return transfers!.AsArray().Any(j => (string?)j!["id"] == (string?)made!["job_id"] && (string?)j["status"] == "DONE");
        }, "the job to be DONE");
        var (_, resolved) = await backend.GetAsync($"/rucio-jupyterlab/notebook/resolve?namespace=sandbox-download&did={Uri.EscapeDataString(dataset.ToString())}");

        Assert.Equal("NOT_AVAILABLE", (string?)before["status"]);
        Assert.Equal("download", (string?)before["mode"]);
        Assert.Equal(200, status);
        Assert.Equal(32, ((string?)made!["job_id"])!.Length);
        Assert.Equal(200, again);
        Assert.True((string?)second!["job_id"] == (string?)made["job_id"] || !(bool)second["created"]!);
        var root = Path.Combine(backend.Home, "rucio", "sandbox-download");
        foreach (var file in done["files"]!.AsArray())
        {
            var path = (string)file!["path"]!;
            Assert.Equal(Path.Combine(root, "user.root", ((string)file["did"]!)["user.root:".Length..]), path);
            Assert.Equal((long)file["size"]!, new FileInfo(path).Length);
        }

        var job = transfers!.AsArray().Single(j => (string?)j!["id"] == (string?)made["job_id"])!;
        Assert.Equal("download", (string?)job["kind"]);
        Assert.Equal("DONE", (string?)job["status"]);
        Assert.Equal(800, (long)job["bytes_done"]!);
        Assert.Equal(800, (long)job["bytes_total"]!);
        Assert.Equal(2, (int)job["files_done"]!);
        Assert.NotNull((string?)job["finished_at"]);
        Assert.True((bool)resolved!["available"]!);
        Assert.Equal(2, resolved["files"]!.AsArray().Count);
    }

    [Fact]
    public async Task AJobLeftRunningByADeadBackendIsFailedAndRetryResumesIt()
    {
        using var home = new TempDirectory();
        var dataset = await SandboxData.CreateDatasetAsync(sandbox.DirectUri, "crash", ("z.csv", 40));
        var data = home.Combine("data");
        Directory.CreateDirectory(data);
        var store = new DownloadJobStore(Path.Combine(data, "state.db"), TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        await store.InsertAsync(new DownloadJob
        {
            Id = "deadbeefdeadbeefdeadbeefdeadbeef",
            Instance = "sandbox-download",
            Did = dataset,
            DestinationRoot = home.Combine("downloads", "sandbox-download"),
            State = DownloadJobState.Queued,
        }, CancellationToken.None);
        await store.TransitionAsync("deadbeefdeadbeefdeadbeefdeadbeef", DownloadJobState.Running, null, CancellationToken.None, DownloadJobState.Queued);

        await using var backend = await StartAsync(["--data-dir", data, "--download-dir", home.Combine("downloads")]);
        var (_, transfers) = await backend.GetAsync("/rucio-jupyterlab/transfers?namespace=sandbox-download");
        var failed = await backend.StatusAsync("sandbox-download", dataset.ToString());
        var (retry, resumed) = await backend.SendAsync(HttpMethod.Post, "/rucio-jupyterlab/did/rule/retry?namespace=sandbox-download", new { did = dataset.ToString() });
        var done = await backend.WaitForStatusAsync("sandbox-download", dataset.ToString(), "AVAILABLE");

        var job = transfers!.AsArray().Single()!;
        Assert.Equal("FAILED", (string?)job["status"]);
        Assert.Contains("interrupted", (string?)job["error"], StringComparison.Ordinal);
        Assert.Equal("FAILED", (string?)failed["status"]);
        Assert.Contains("interrupted", (string?)failed["reason"], StringComparison.Ordinal);
        Assert.Equal(200, retry);
        Assert.Equal("deadbeefdeadbeefdeadbeefdeadbeef", (string?)resumed!["job_id"]);
        Assert.StartsWith(home.Combine("downloads", "sandbox-download"), (string?)done["files"]![0]!["path"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingAFinishedOrUnknownTransferIsAConflict()
    {
        await using var backend = await StartAsync();

        var (status, body) = await backend.SendAsync(HttpMethod.Post, "/rucio-jupyterlab/transfers/cancel?namespace=sandbox-download", new { id = "nope" });
        var (missing, _) = await backend.SendAsync(HttpMethod.Post, "/rucio-jupyterlab/transfers/cancel?namespace=sandbox-download", new { });
        var (list, jobs) = await backend.GetAsync("/rucio-jupyterlab/transfers?namespace=sandbox-download");

        Assert.Equal(409, status);
        Assert.Equal("TransferNotActive", (string?)body!["exception_class"]);
        Assert.Equal(400, missing);
        Assert.Equal(200, list);
        Assert.Empty(jobs!.AsArray());
    }

    private async Task<BackendHost> StartAsync(IEnumerable<string>? extraArgs = null)
    {
        var backend = await BackendHost.StartAsync(sandbox.DownloadConfig(sandbox.DirectUri), extraArgs: extraArgs);
        await backend.LoginAsync("sandbox-download");
        return backend;
    }
}
