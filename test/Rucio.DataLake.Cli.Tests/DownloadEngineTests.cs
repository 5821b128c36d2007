using Rucio.Client;
using Rucio.DataLake.Cli.Tests.Support;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.DataLake.Cli.Tests;

/// <summary>The download engine against the Sandbox's real storage: verification, corruption, cancellation, disk full, resume.</summary>
public sealed class DownloadEngineTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("datalake-download-").FullName;

    private SandboxHost Sandbox => fixture.Sandbox;

    [Fact]
    public async Task Corrupt_source_fails_with_a_checksum_error_and_leaves_no_file()
    {
        using var client = Sandbox.CreateClient();
        var did = await UploadAsync(client, "corrupt_me.dat", 100_000, seed: 20);
        var replicaPath = Files.ReplicaPath(Sandbox, "CERN-EOS", did.Scope, did.Name);
        var bytes = await File.ReadAllBytesAsync(replicaPath);
        bytes[5_000] ^= 0xFF;
        await File.WriteAllBytesAsync(replicaPath, bytes);
        using var protocols = Protocols(client);

        var result = Assert.Single(await new DownloadEngine(client, protocols).DownloadAsync(did, Options(), null, CancellationToken.None));

        Assert.Equal(DownloadOutcome.Failed, result.Outcome);
        Assert.Equal(TransferFailure.ChecksumMismatch, result.Failure);
        Assert.False(File.Exists(result.Path));
        Assert.Empty(Files.PartFiles(_work));
    }

    [Fact]
    public async Task Cancelled_download_leaves_no_partial_file()
    {
        using var client = Sandbox.CreateClient();
        var did = await UploadAsync(client, "cancel_me.dat", 12 << 20, seed: 21);
        using var protocols = Protocols(client);
        using var cancellation = new CancellationTokenSource();
        var progress = new CallbackProgress(p =>
        {
            if (p.BytesDone > 0)
            {
                cancellation.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DownloadEngine(client, protocols).DownloadAsync(did, Options(), progress, cancellation.Token));

        Assert.False(File.Exists(StoragePaths.DownloadPath(_work, did)));
        Assert.Empty(Files.PartFiles(_work));
    }

    [Fact]
    public async Task Disk_full_gives_a_clear_error_and_removes_the_partial_file()
    {
        using var client = Sandbox.CreateClient();
        var did = await UploadAsync(client, "too_big.dat", 3 << 20, seed: 22);
        var replica = Assert.Single(await client.Replicas.ListAsync(new ReplicaListRequest { Dids = [did] }).ToListAsync());
        var finalPath = StoragePaths.DownloadPath(_work, did);
        var part = StoragePaths.PartPath(finalPath, DownloadEngine.PartKey(replica));

        // The part file is a link to /dev/full, whose every write fails with ENOSPC: a real "no space left on device".
        Directory.CreateDirectory(Path.GetDirectoryName(part)!);
        File.CreateSymbolicLink(part, "/dev/full");
        using var protocols = Protocols(client);

        var result = Assert.Single(await new DownloadEngine(client, protocols).DownloadAsync(did, Options(), null, CancellationToken.None));

        Assert.True(result.Failure == TransferFailure.DiskFull, result.Error);
        Assert.Contains("No space left", result.Error);
        Assert.False(File.Exists(finalPath));
        Assert.False(File.Exists(part) || new FileInfo(part).LinkTarget is not null, "the partial file must be removed");
    }

    [Fact]
    public async Task A_different_local_file_is_never_overwritten_unless_asked()
    {
        using var client = Sandbox.CreateClient();
        var did = await UploadAsync(client, "keep_mine.dat", 1_000, seed: 23);
        var finalPath = StoragePaths.DownloadPath(_work, did);
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        await File.WriteAllTextAsync(finalPath, "my own notes");
        using var protocols = Protocols(client);
        var engine = new DownloadEngine(client, protocols);

        var refused = Assert.Single(await engine.DownloadAsync(did, Options(), null, CancellationToken.None));
        Assert.Equal(TransferFailure.DestinationExists, refused.Failure);
        Assert.Equal("my own notes", await File.ReadAllTextAsync(finalPath));

        var replaced = Assert.Single(await engine.DownloadAsync(did, Options() with { ReplaceDifferentFiles = true }, null, CancellationToken.None));
        Assert.Equal(DownloadOutcome.Downloaded, replaced.Outcome);
        Assert.Equal(await Files.ChecksumAsync(Files.ReplicaPath(Sandbox, "CERN-EOS", did.Scope, did.Name)), await Files.ChecksumAsync(finalPath));
    }

    [Fact]
    public async Task Http_download_resumes_a_part_file_with_a_range_request()
    {
        using var client = Sandbox.CreateClient();
        var did = await UploadAsync(client, "resume_me.dat", 2_500_000, seed: 24);
        var replica = Assert.Single(await client.Replicas.ListAsync(new ReplicaListRequest { Dids = [did], Schemes = ["http"] }).ToListAsync());
        var pfn = Assert.Single(replica.Pfns.Keys);
        var original = await File.ReadAllBytesAsync(Files.ReplicaPath(Sandbox, "CERN-EOS", did.Scope, did.Name));
        var part = Path.Combine(_work, ".resume_me.dat.part-test");
        await File.WriteAllBytesAsync(part, original[..1_000_000]);
        using var protocols = Protocols(client);
        var tracker = new ProgressTracker(1, original.Length, null);

        await protocols.ForPfn(pfn).DownloadAsync(pfn, part, new TransferMeter(tracker, null), CancellationToken.None);

        Assert.Equal(original, await File.ReadAllBytesAsync(part));
        Assert.Equal(original.Length, tracker.Snapshot.BytesDone);
    }

    [Fact]
    public async Task Upload_through_http_is_verified_registered_and_readable_back()
    {
        using var client = Sandbox.CreateClient();
        var source = Files.Write(Path.Combine(_work, "src", "via_http.dat"), 700_000, seed: 25);
        using var protocols = Protocols(client);
        var options = new UploadOptions { RuleRseExpression = "DESY-DCACHE", Schemes = ["http"], RegisterInPlace = false };

        var report = await new UploadEngine(client, protocols).UploadAsync(UploadPlanner.Plan([source], "user.root", null), options, null, CancellationToken.None);

        var file = Assert.Single(report.Files);
        Assert.True(file.Succeeded, file.Error);
        Assert.Equal(UploadPlacement.Copied, file.Placement);
        Assert.StartsWith("http://", file.Pfn);
        Assert.Equal(await Files.ChecksumAsync(source), await Files.ChecksumAsync(Files.ReplicaPath(Sandbox, "DESY-DCACHE", "user.root", "via_http.dat")));
        Assert.NotNull(file.RuleId);
    }

    private async Task<Did> UploadAsync(RucioClient client, string name, int size, int seed)
    {
        var source = Files.Write(Path.Combine(_work, "sources", name), size, seed);
        using var protocols = Protocols(client);
        var report = await new UploadEngine(client, protocols).UploadAsync(
            UploadPlanner.Plan([source], "user.root", null),
            new UploadOptions { RuleRseExpression = "CERN-EOS", RegisterInPlace = false },
            null,
            CancellationToken.None);
        Assert.True(report.AllSucceeded, report.Files[0].Error);
        return report.Files[0].Item.Did;
    }

    private StorageProtocols Protocols(RucioClient client) => new(
        new StorageAccessOptions { BearerToken = async (_, ct) => (await client.Auth.GetTokenAsync(ct)).Value },
        TimeProvider.System);

    private DownloadOptions Options() => new() { DestinationRoot = _work, Parallelism = 2 };

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed class CallbackProgress(Action<TransferProgress> callback) : IProgress<TransferProgress>
{
    public void Report(TransferProgress value) => callback(value);
}
