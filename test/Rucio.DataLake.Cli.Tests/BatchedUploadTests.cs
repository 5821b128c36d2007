using Rucio.Client;
using Rucio.DataLake.Cli.Tests.Support;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.DataLake.Cli.Tests;

/// <summary>Many files in one upload: batched registration, per-file failures, progress and the rules.</summary>
public sealed class BatchedUploadTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("datalake-batch-").FullName;

    private SandboxHost Sandbox => fixture.Sandbox;

    [Fact]
    public async Task Parallel_upload_registers_every_file_with_its_checksums_and_one_rule_each()
    {
        using var client = Sandbox.CreateClient();
        var sources = Enumerable.Range(0, 12).Select(i => Files.Write(Path.Combine(_work, "many", $"part_{i:D2}.dat"), 150_000 + (i * 4096), seed: 60 + i)).ToList();
        using var protocols = new StorageProtocols(new StorageAccessOptions(), TimeProvider.System);
        var snapshots = new List<TransferProgress>();
        var progress = new CallbackProgress(p =>
        {
            lock (snapshots)
            {
                snapshots.Add(p);
            }
        });

        var report = await new UploadEngine(client, protocols).UploadAsync(
            UploadPlanner.Plan(sources, "user.root", "batch1/"),
            new UploadOptions { RuleRseExpression = "CERN-EOS", RegisterInPlace = false, Parallelism = 4 },
            progress,
            CancellationToken.None);

        Assert.True(report.AllSucceeded, string.Join("; ", report.Files.Select(f => f.Error)));
        var dids = report.Files.Select(f => f.Item.Did).ToList();
        var replicas = await client.Replicas.ListAsync(new ReplicaListRequest { Dids = dids }).ToDictionaryAsync(r => r.Did);
        foreach (var (file, source) in report.Files.Zip(sources))
        {
            var expected = await Files.ChecksumAsync(source);
            Assert.Equal(expected.Adler32, replicas[file.Item.Did].Adler32);
            Assert.Equal(expected.Md5, replicas[file.Item.Did].Md5);
            Assert.Equal(expected, await Files.ChecksumAsync(Files.ReplicaPath(Sandbox, "CERN-EOS", "user.root", file.Item.Did.Name)));
            Assert.NotNull(file.RuleId);
        }

        Assert.Equal(12, report.Files.Select(f => f.RuleId).Distinct().Count());
        var last = snapshots.MaxBy(s => s.FilesDone);
        Assert.Equal(12, last.FilesDone);
        Assert.Equal(last.BytesTotal, snapshots.Max(s => s.BytesDone));
    }

    [Fact]
    public async Task One_refused_registration_in_a_batch_fails_only_that_file()
    {
        using var client = Sandbox.CreateClient();
        var rseRoot = Sandbox.RseDirectory("CERN-EOS");

        // A DID that exists with other content: registering a replica with this checksum is refused (409).
        var taken = new Did("user.root", "batch2/taken.dat");
        await client.Replicas.AddAsync("DESY-DCACHE", [new FileRegistration(taken, 5, "00000001")]);
        var good = new Did("user.root", "batch2/good.dat");
        var pending = new List<(Did Did, string Path, Task Registration)>();
        await using (var registrar = new ReplicaRegistrar(client, CancellationToken.None))
        {
            foreach (var did in new[] { good, taken })
            {
                var path = Files.Write(Path.Combine(rseRoot, StoragePaths.DeterministicPath(did.Scope, did.Name)), 1_000, seed: 70);
                var checksum = await Files.ChecksumAsync(path);
                pending.Add((did, path, registrar.RegisterAsync(new PendingReplica(did, checksum, "CERN-EOS", true, "file://unused", path))));
            }
        }

        await pending[0].Registration;
        var refused = await Assert.ThrowsAsync<RucioException>(() => pending[1].Registration);
        Assert.Equal(409, refused.Status);
        var listed = await client.Replicas.ListAsync(new ReplicaListRequest { Dids = [good, taken], AllStates = true }).ToDictionaryAsync(r => r.Did);
        Assert.Equal(ReplicaState.Available, listed[good].States["CERN-EOS"]);
        Assert.False(listed[taken].States.ContainsKey("CERN-EOS"));
    }

    [Fact]
    public async Task Dataset_upload_attaches_every_file_and_puts_one_rule_on_the_dataset_and_is_idempotent()
    {
        var sources = Enumerable.Range(0, 3).Select(i => Files.Write(Path.Combine(_work, "ds", $"d{i}.dat"), 20_000, seed: 80 + i)).ToList();
        var cli = new CliProcess(Sandbox, _work);
        string[] args = ["upload", "-s", "user.root", "-p", "dsrun/", "--rse", "CERN-EOS", "--dataset", "dsrun.results", "-o", "json", .. sources];

        var first = await cli.RunAsync(args);
        var again = await cli.RunAsync(args);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("user.root:dsrun.results", first.Json.GetProperty("dataset").GetString());
        var ruleId = first.Json.GetProperty("dataset_rule_id").GetString()!;
        Assert.Equal(ruleId, again.Json.GetProperty("dataset_rule_id").GetString());
        Assert.All(first.Json.GetProperty("files").EnumerateArray(), f => Assert.Equal(ruleId, f.GetProperty("rule_id").GetString()));
        Assert.All(again.Json.GetProperty("files").EnumerateArray(), f => Assert.Equal("already_registered", f.GetProperty("placement").GetString()));

        using var client = Sandbox.CreateClient();
        var dataset = new Did("user.root", "dsrun.results");
        var content = await client.Dids.ListContentAsync(dataset).Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal).ToListAsync();
        Assert.Equal(["dsrun/d0.dat", "dsrun/d1.dat", "dsrun/d2.dat"], content);
        var rule = await client.Rules.GetAsync(ruleId);
        Assert.Equal("dsrun.results", rule.Name);
        Assert.Equal("CERN-EOS", rule.RseExpression);
        Assert.Empty(await client.Dids.ListRulesAsync(new Did("user.root", "dsrun/d0.dat")).ToListAsync());
    }

    [Fact]
    public async Task Help_names_the_program_datalake_and_offers_dataset()
    {
        var cli = new CliProcess(Sandbox, _work);

        var help = await cli.RunAsync("upload", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("datalake upload <paths>...", help.Stdout);
        Assert.Contains("--dataset", help.Stdout);
        Assert.DoesNotContain("Rucio.DataLake.Cli", help.Stdout);
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
