using System.Text.Json;
using Rucio.Client;
using Rucio.DataLake.Cli.Tests.Support;

namespace Rucio.DataLake.Cli.Tests;

/// <summary><c>datalake upload</c> against a live Sandbox: real files, real rules, the real executable.</summary>
public sealed class UploadCliTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("datalake-upload-").FullName;

    private SandboxHost Sandbox => fixture.Sandbox;

    /// <summary>$SCRATCH lives on the SCRATCH-DISK RSE's storage, as on the ESCAPE notebook servers.</summary>
    private string Scratch => Path.Combine(Sandbox.RseDirectory("SCRATCH-DISK"), "scratch", Path.GetFileName(_work));

    [Fact]
    public async Task Upload_registers_the_replica_and_rule_and_deletes_the_scratch_copy_once_verified()
    {
        var source = Files.Write(Path.Combine(Scratch, "result_on_scratch.dat"), 300_000, seed: 1);
        var expected = await Files.ChecksumAsync(source);
        var cli = new CliProcess(Sandbox, _work).With("SCRATCH", Scratch);

        var result = await cli.RunAsync("upload", "-s", "user.root", "--rse", "SCRATCH-DISK", "-t", "3", "-o", "json", source);

        Assert.True(result.ExitCode == 0, result.ToString());
        var file = Assert.Single(result.Json.GetProperty("files").EnumerateArray());
        Assert.Equal("user.root:result_on_scratch.dat", file.GetProperty("did").GetString());
        Assert.True(file.GetProperty("success").GetBoolean());
        Assert.Equal("linked", file.GetProperty("placement").GetString());
        Assert.Equal(expected.Adler32, file.GetProperty("adler32").GetString());
        var ruleId = file.GetProperty("rule_id").GetString()!;
        Assert.Equal($"{SandboxHost.WebUi}/rule?rule_id={ruleId}", file.GetProperty("webui_url").GetString());
        Assert.Equal("deleted", file.GetProperty("local_copy").GetString());
        Assert.False(File.Exists(source));

        using var client = Sandbox.CreateClient();
        var rule = await client.Rules.GetAsync(ruleId);
        Assert.Equal(RuleState.Ok, rule.State);
        Assert.Equal("SCRATCH-DISK", rule.RseExpression);
        Assert.NotNull(rule.ExpiresAt);
        var replica = Assert.Single(await client.Replicas.ListAsync(new ReplicaListRequest { Dids = [new Did("user.root", "result_on_scratch.dat")] }).ToListAsync());
        Assert.Equal(ReplicaState.Available, replica.States["SCRATCH-DISK"]);
        Assert.Equal(expected.Adler32, replica.Adler32);
        var stored = await Files.ChecksumAsync(Files.ReplicaPath(Sandbox, "SCRATCH-DISK", "user.root", "result_on_scratch.dat"));
        Assert.Equal(expected, stored);
    }

    [Fact]
    public async Task Scratch_copy_is_kept_until_the_rule_replicates_and_cleanup_then_deletes_it()
    {
        var source = Files.Write(Path.Combine(Scratch, "needs_transfer.dat"), 200_000, seed: 2);
        var cli = new CliProcess(Sandbox, _work).With("SCRATCH", Scratch);

        var upload = await cli.RunAsync("upload", "-s", "user.root", "--rse", "CERN-EOS", "-o", "json", source);

        Assert.True(upload.ExitCode == 0, upload.ToString());
        var file = Assert.Single(upload.Json.GetProperty("files").EnumerateArray());
        Assert.Equal("kept", file.GetProperty("local_copy").GetString());
        Assert.Contains("no AVAILABLE replica on CERN-EOS", file.GetProperty("local_copy_reason").GetString());
        Assert.True(File.Exists(source), "the scratch copy must survive until the replica is verified");

        using var client = Sandbox.CreateClient();
        var ruleId = file.GetProperty("rule_id").GetString()!;
        await Eventually.WaitAsync(() => client.Rules.GetAsync(ruleId), r => r.State == RuleState.Ok, TimeSpan.FromSeconds(30), "rule OK");

        var cleanup = await cli.RunAsync("cleanup", "-o", "json");

        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        var deleted = Assert.Single(cleanup.Json.GetProperty("deleted").EnumerateArray());
        Assert.Equal(source, deleted.GetProperty("path").GetString());
        Assert.False(File.Exists(source));
        var onEos = await Files.ChecksumAsync(Files.ReplicaPath(Sandbox, "CERN-EOS", "user.root", "needs_transfer.dat"));
        Assert.Equal(file.GetProperty("adler32").GetString(), onEos.Adler32);

        var again = await cli.RunAsync("cleanup", "-o", "json");
        Assert.Empty(again.Json.GetProperty("deleted").EnumerateArray());
    }

    [Fact]
    public async Task Cleanup_keeps_unverified_files_and_dry_run_changes_nothing()
    {
        var stuck = Files.Write(Path.Combine(Scratch, "never-replicates.dat"), 50_000, seed: 3);
        var unknown = Files.Write(Path.Combine(Scratch, "old", "not_uploaded.txt"), 10, seed: 4);
        var emptyDirectory = Directory.CreateDirectory(Path.Combine(Scratch, "empty", "deeper")).FullName;
        var old = DateTime.UtcNow.AddDays(-10);
        File.SetLastWriteTimeUtc(unknown, old);
        Directory.SetLastWriteTimeUtc(emptyDirectory, old);
        Directory.SetLastWriteTimeUtc(Path.GetDirectoryName(emptyDirectory)!, old);
        var cli = new CliProcess(Sandbox, _work).With("SCRATCH", Scratch);
        var upload = await cli.RunAsync("upload", "-s", "user.root", "--rse", "CERN-EOS", "-o", "json", stuck);
        Assert.True(upload.ExitCode == 0, upload.ToString());
        using var client = Sandbox.CreateClient();
        var ruleId = upload.Json.GetProperty("files")[0].GetProperty("rule_id").GetString()!;
        await Eventually.WaitAsync(() => client.Rules.GetAsync(ruleId), r => r.State == RuleState.Stuck, TimeSpan.FromSeconds(30), "rule STUCK");
        var ledger = Directory.GetFiles(cli.StateDirectory).ToDictionary(f => f, File.ReadAllBytes);

        var dryRun = await cli.RunAsync("cleanup", "--dry-run", "-o", "json");

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.True(dryRun.Json.GetProperty("dry_run").GetBoolean());
        Assert.Empty(dryRun.Json.GetProperty("would_delete").EnumerateArray());
        var kept = dryRun.Json.GetProperty("kept").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("reason").GetString()!);
        Assert.Contains("no AVAILABLE replica", kept[stuck]);
        Assert.Contains("not uploaded with datalake", kept[unknown]);
        Assert.Contains(emptyDirectory, dryRun.Json.GetProperty("would_remove_directories").EnumerateArray().Select(e => e.GetString()));
        Assert.True(File.Exists(stuck) && File.Exists(unknown) && Directory.Exists(emptyDirectory));
        Assert.All(ledger, pair => Assert.Equal(pair.Value, File.ReadAllBytes(pair.Key)));

        var real = await cli.RunAsync("cleanup", "-o", "json");

        Assert.True(real.ExitCode == 0, real.ToString());
        Assert.Empty(real.Json.GetProperty("deleted").EnumerateArray());
        Assert.True(File.Exists(stuck), "an unverified file must never be deleted");
        Assert.True(File.Exists(unknown), "a file unknown to Rucio must never be deleted");
        Assert.False(Directory.Exists(Path.Combine(Scratch, "empty")));
    }

    [Fact]
    public async Task Delay_deletion_schedules_the_deletion_instead_of_deleting()
    {
        var source = Files.Write(Path.Combine(Scratch, "delayed.dat"), 20_000, seed: 5);
        var cli = new CliProcess(Sandbox, _work).With("SCRATCH", Scratch);

        var upload = await cli.RunAsync("upload", "-s", "user.root", "--rse", "SCRATCH-DISK", "--delay-deletion", "-o", "json", source);
        var cleanup = await cli.RunAsync("cleanup", "-o", "json");

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Equal("scheduled", upload.Json.GetProperty("files")[0].GetProperty("local_copy").GetString());
        Assert.True(File.Exists(source));
        var kept = Assert.Single(cleanup.Json.GetProperty("kept").EnumerateArray(), e => e.GetProperty("path").GetString() == source);
        Assert.Contains("deletion scheduled after", kept.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Upload_prints_the_seed_003_text_and_table()
    {
        var outside = Files.Write(Path.Combine(_work, "plain", "figure.png"), 4_000, seed: 6);
        var cli = new CliProcess(Sandbox, _work);

        var result = await cli.RunAsync("upload", "-s", "user.root", "-p", "plots/", outside);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Uploading 1 files to Rucio...", result.Stdout);
        Assert.Contains("Successfully added replication rule for user.root:plots/figure.png", result.Stdout);
        Assert.Contains("DID", result.Stdout);
        Assert.Contains("Rule ID", result.Stdout);
        Assert.Contains("WebUI URL", result.Stdout);
        Assert.True(File.Exists(outside), "files outside $SCRATCH are never deleted");
        Assert.DoesNotContain("secret", result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task Same_did_with_other_content_is_a_conflict_and_same_content_is_success()
    {
        var first = Files.Write(Path.Combine(_work, "a", "shared_name.dat"), 1_000, seed: 7);
        var cli = new CliProcess(Sandbox, _work);
        var initial = await cli.RunAsync("upload", "-s", "user.root", "--rse", "CERN-EOS", "-o", "json", first);
        Assert.True(initial.ExitCode == 0, initial.ToString());

        var repeat = await cli.RunAsync("upload", "-s", "user.root", "--rse", "CERN-EOS", "-o", "json", first);
        var different = Files.Write(Path.Combine(_work, "b", "shared_name.dat"), 1_000, seed: 8);
        var conflict = await cli.RunAsync("upload", "-s", "user.root", "--rse", "CERN-EOS", "-o", "json", different);

        Assert.True(repeat.ExitCode == 0, repeat.ToString());
        Assert.Equal("already_registered", repeat.Json.GetProperty("files")[0].GetProperty("placement").GetString());
        Assert.Equal(initial.Json.GetProperty("files")[0].GetProperty("rule_id").GetString(), repeat.Json.GetProperty("files")[0].GetProperty("rule_id").GetString());
        Assert.Equal(10, conflict.ExitCode);
        Assert.Contains("already exists in Rucio with different content", conflict.Json.GetProperty("files")[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Directories_upload_recursively_with_prefix_plus_relative_names()
    {
        var root = Path.Combine(_work, "results");
        Files.Write(Path.Combine(root, "summary.txt"), 100, seed: 9);
        Files.Write(Path.Combine(root, "histos", "mass.csv"), 200, seed: 10);
        Files.Write(Path.Combine(root, ".hidden"), 10, seed: 11);
        var cli = new CliProcess(Sandbox, _work);

        var result = await cli.RunAsync("upload", "-s", "user.root", "-p", "job7/", "--rse", "CERN-EOS", "-o", "json", root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var dids = result.Json.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("did").GetString()).Order().ToList();
        Assert.Equal(["user.root:job7/results/histos/mass.csv", "user.root:job7/results/summary.txt"], dids);
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
