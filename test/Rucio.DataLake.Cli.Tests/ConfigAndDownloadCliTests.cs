using Rucio.DataLake.Cli.Tests.Support;

namespace Rucio.DataLake.Cli.Tests;

/// <summary><c>datalake config rucio-cfg</c>, <c>download</c> and <c>make-available</c> through the real executable.</summary>
public sealed class ConfigAndDownloadCliTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("datalake-cfg-").FullName;

    [Fact]
    public async Task Rucio_cfg_holds_the_instance_and_credentials_with_owner_only_mode_and_prints_no_secret()
    {
        var cli = new CliProcess(fixture.Sandbox, _work);
        var target = Path.Combine(_work, "rucio-home", "etc", "rucio.cfg");

        var result = await cli.RunAsync("config", "rucio-cfg", "--path", target, "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var values = File.ReadAllLines(target)
            .Where(l => l.Contains(" = ", StringComparison.Ordinal))
            .Select(l => l.Split(" = ", 2))
            .ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("[client]", File.ReadAllLines(target)[1]);
        Assert.Equal(fixture.Sandbox.Url.GetLeftPart(UriPartial.Authority), values["rucio_host"]);
        Assert.Equal(values["rucio_host"], values["auth_host"]);
        Assert.Equal("userpass", values["auth_type"]);
        Assert.Equal("root", values["account"]);
        Assert.Equal("ddmlab", values["username"]);
        Assert.Equal("secret", values["password"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        Assert.Equal(target, result.Json.GetProperty("path").GetString());
        Assert.True(result.Json.GetProperty("contains_password").GetBoolean());
        Assert.DoesNotContain("secret", result.Stdout + result.Stderr);

        File.WriteAllText(target, "[client]\nrucio_host = https://someone-else\n");
        var refused = await cli.RunAsync("config", "rucio-cfg", "--path", target);
        Assert.Equal(10, refused.ExitCode);
        Assert.Contains("someone-else", File.ReadAllText(target));
    }

    [Fact]
    public async Task Download_writes_verified_files_into_dir_scope_name_and_skips_them_the_second_time()
    {
        var cli = new CliProcess(fixture.Sandbox, _work);
        var dir = Path.Combine(_work, "downloads");

        var first = await cli.RunAsync("download", "opendata:calibration_2012", "--dir", dir, "-o", "json");
        var second = await cli.RunAsync("download", "opendata:calibration_2012", "--dir", dir, "-o", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        var files = first.Json.EnumerateArray().ToList();
        Assert.Equal(3, files.Count);
        foreach (var file in files)
        {
            Assert.Equal("downloaded", file.GetProperty("status").GetString());
            var name = file.GetProperty("did").GetString()!.Split(':', 2)[1];
            var path = Path.Combine(dir, "opendata", name);
            Assert.Equal(path, file.GetProperty("path").GetString());
            var replica = Files.ReplicaPath(fixture.Sandbox, "DESY-DCACHE", "opendata", name);
            Assert.Equal(await Files.ChecksumAsync(replica), await Files.ChecksumAsync(path));
        }

        Assert.All(second.Json.EnumerateArray(), f => Assert.Equal("already_present", f.GetProperty("status").GetString()));
        Assert.Empty(Files.PartFiles(dir));
    }

    [Fact]
    public async Task Make_available_creates_the_replica_mode_rule_and_waits_until_it_is_ok()
    {
        var cli = new CliProcess(fixture.Sandbox, _work);

        var result = await cli.RunAsync("make-available", "opendata:higgs_4lepton_2012", "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("OK", result.Json.GetProperty("state").GetString());
        Assert.Equal("CERN-EOS", result.Json.GetProperty("rse_expression").GetString());
        Assert.Equal(4, result.Json.GetProperty("locks_ok").GetInt32());
        Assert.NotNull(result.Json.GetProperty("expires_at").GetString());
    }

    [Fact]
    public async Task Errors_are_one_json_document_with_a_named_exit_code()
    {
        var cli = new CliProcess(fixture.Sandbox, _work);

        var result = await cli.RunAsync("download", "opendata:no_such_dataset", "--dir", Path.Combine(_work, "d"), "-o", "json");

        Assert.Equal(5, result.ExitCode);
        var error = result.Json.GetProperty("error");
        Assert.Equal(5, error.GetProperty("exit_code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
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
