using Rucio.Client;
using Rucio.DataLake.Cli.Tests.Support;

namespace Rucio.DataLake.Cli.Tests;

/// <summary>An upload killed with SIGKILL mid-transfer leaves the system consistent, and a retry finishes it.</summary>
public sealed class InterruptedUploadTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("datalake-kill-").FullName;

    [Fact]
    public async Task Killed_upload_keeps_the_source_registers_nothing_and_the_retry_completes()
    {
        var sandbox = fixture.Sandbox;
        var source = Files.Write(Path.Combine(_work, "data", "big_result.root"), 16 << 20, seed: 42);
        var before = await Files.ChecksumAsync(source);
        var did = new Did("user.root", "big_result.root");
        var finalPath = Files.ReplicaPath(sandbox, "CERN-EOS", did.Scope, did.Name);
        var storage = Path.GetDirectoryName(finalPath)!;

        // 2 MB/s makes the 16 MB copy last ~8 s: long enough to kill it while the part file grows.
        var cli = new CliProcess(sandbox, _work).With("DATALAKE_MAX_BYTES_PER_SECOND", "2000000");
        using (var process = cli.Start("upload", "-s", did.Scope, "--rse", "CERN-EOS", "-o", "json", source))
        {
            await Eventually.WaitAsync(
                () => Task.FromResult(Files.PartFiles(storage).Select(p => new FileInfo(p).Length).DefaultIfEmpty(0).Max()),
                length => length > 0,
                TimeSpan.FromSeconds(30),
                "the upload's part file to grow");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Equal(137, process.ExitCode);
        }

        Assert.Equal(before, await Files.ChecksumAsync(source));
        Assert.False(File.Exists(finalPath), "nothing may appear under the replica's name before it is complete and verified");
        Assert.All(Files.PartFiles(storage), part => Assert.StartsWith(".", Path.GetFileName(part)));
        using var client = sandbox.CreateClient();
        var missing = await Assert.ThrowsAsync<RucioException>(() => client.Dids.GetAsync(did));
        Assert.Equal(404, missing.Status);
        Assert.Empty(await client.Replicas.ListAsync(new ReplicaListRequest { Dids = [did], AllStates = true }).ToListAsync());

        var retry = await new CliProcess(sandbox, _work).RunAsync("upload", "-s", did.Scope, "--rse", "CERN-EOS", "-o", "json", source);

        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Equal(before, await Files.ChecksumAsync(finalPath));
        Assert.Empty(Files.PartFiles(storage));
        var replica = Assert.Single(await client.Replicas.ListAsync(new ReplicaListRequest { Dids = [did] }).ToListAsync());
        Assert.Equal(before.Adler32, replica.Adler32);
        Assert.Equal(before.Bytes, replica.Bytes);
    }

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
