using Rucio.DataLake.Core.Configuration;
using static Rucio.JupyterLab.Server.Tests.Configuration.ConfigTestHelper;

namespace Rucio.JupyterLab.Server.Tests.Configuration;

public sealed class ConfigurationValidationTests
{
    [Fact]
    public async Task BareRucioConfigObjectIsAcceptedLikeTheWrappedForm()
    {
        var bare = await ResolveAsync(Instance(ValidReplica));
        var wrapped = await ResolveAsync("{\"RucioConfig\":" + Instance(ValidReplica) + ", \"ServerApp\": {\"ip\": \"0.0.0.0\"}}");

        Assert.Equal(Assert.Single(bare.Instances), Assert.Single(wrapped.Instances));
        Assert.Empty(bare.Problems);
        Assert.Empty(wrapped.Problems);
    }

    [Fact]
    public async Task EachBadKeyGivesOneMessageNamingInstanceAndKeyAndOtherInstancesKeepWorking()
    {
        var json = $$"""
            {"instances": [
              { {{ValidReplica}} },
              {"name": "bad", "display_name": "Bad", "mode": "replica", "rucio_base_url": "ftp://nope",
               "destination_rse": "X", "rse_mount_path": "/m", "path_begins_at": "four", "wildcard_enabled": "maybe"}
            ]}
            """;

        var snapshot = await ResolveAsync(json);

        Assert.Equal("demo", Assert.Single(snapshot.Instances).Name);
        var errors = snapshot.Problems.Where(p => p.Severity == ConfigProblemSeverity.Error).ToList();
        Assert.Equal(["path_begins_at", "rucio_base_url", "wildcard_enabled"], errors.Select(p => p.Key).Order());
        Assert.All(errors, p => Assert.Equal("bad", p.Instance));
        Assert.All(errors, p => Assert.StartsWith("Instance 'bad', key '" + p.Key + "'", p.Message));
        Assert.Contains(errors, p => p.Message.Contains("\"four\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingBaseUrlIsAnError()
    {
        var body = string.Join(',', ValidReplica.Split(',').Where(part => !part.StartsWith("\"rucio_base_url\"", StringComparison.Ordinal)));

        var snapshot = await ResolveAsync(Instance(body));

        Assert.Empty(snapshot.Instances);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal("rucio_base_url", problem.Key);
        Assert.Equal(ConfigProblemSeverity.Error, problem.Severity);
        Assert.Contains("is required", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("destination_rse")]
    [InlineData("rse_mount_path")]
    public async Task MissingReplicaTargetIsAWarningThatKeepsTheInstance(string key)
    {
        var body = string.Join(',', ValidReplica.Split(',').Where(part => !part.StartsWith($"\"{key}\"", StringComparison.Ordinal)));

        var snapshot = await ResolveAsync(Instance(body));

        Assert.Single(snapshot.Instances);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal(key, problem.Key);
        Assert.Equal(ConfigProblemSeverity.Warning, problem.Severity);
        Assert.Contains("replica mode", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelativeMountPathIsAnError()
    {
        var snapshot = await ResolveAsync(Instance(ValidReplica.Replace("/eos/rucio", "eos/rucio", StringComparison.Ordinal)));

        Assert.Empty(snapshot.Instances);
        Assert.Equal("rse_mount_path", Assert.Single(snapshot.Problems).Key);
    }

    [Fact]
    public async Task DownloadModeNeedsNoDestinationRse()
    {
        var snapshot = await ResolveAsync(Instance("\"name\":\"dl\",\"display_name\":\"DL\",\"mode\":\"download\",\"rucio_base_url\":\"https://r\",\"xcache_url\":\"root://xcache.example:1094\""));

        var instance = Assert.Single(snapshot.Instances);
        Assert.Equal(InstanceMode.Download, instance.Mode);
        Assert.Equal(new Uri("root://xcache.example:1094"), instance.XCacheUrl);
        Assert.Empty(snapshot.Problems);
    }

    [Fact]
    public async Task UnknownKeysAndMissingDisplayNameAreWarningsOnly()
    {
        var snapshot = await ResolveAsync(Instance(ValidReplica.Replace("\"display_name\":\"Demo\",", "", StringComparison.Ordinal) + ",\"destinaton_rse\":\"typo\""));

        var instance = Assert.Single(snapshot.Instances);
        Assert.Equal("demo", instance.DisplayName);
        Assert.Equal(2, snapshot.Problems.Count);
        Assert.All(snapshot.Problems, p => Assert.Equal(ConfigProblemSeverity.Warning, p.Severity));
        Assert.Contains(snapshot.Problems, p => p.Key == "destinaton_rse" && p.Message.Contains("unknown key", StringComparison.Ordinal));
        Assert.Contains(snapshot.Problems, p => p.Key == "display_name");
    }

    [Fact]
    public async Task IncompleteOidcOnlyDisablesOidc()
    {
        var snapshot = await ResolveAsync(Instance(ValidReplica + ",\"oidc_auth\":\"file\""));

        var instance = Assert.Single(snapshot.Instances);
        Assert.False(instance.HasOperatorOidc);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal("oidc_file_name", problem.Key);
        Assert.Equal(ConfigProblemSeverity.Warning, problem.Severity);
    }

    [Fact]
    public async Task NullValuesCountAsAbsentLikeConfigurePyWroteThem()
    {
        var snapshot = await ResolveAsync(Instance(ValidReplica + ",\"vo\":null,\"replication_rule_lifetime_days\":null,\"rucio_auth_url\":null"));

        var instance = Assert.Single(snapshot.Instances);
        Assert.Null(instance.Vo);
        Assert.Null(instance.ReplicationRuleLifetimeSeconds);
        Assert.Equal(instance.BaseUrl, instance.EffectiveAuthUrl);
        Assert.Empty(snapshot.Problems);
    }

    [Fact]
    public async Task LifetimeDaysBecomeSecondsAndTrailingSlashIsDropped()
    {
        var snapshot = await ResolveAsync(Instance(ValidReplica.Replace("https://rucio.example", "https://rucio.example/prefix/", StringComparison.Ordinal) + ",\"replication_rule_lifetime_days\":\"7\""));

        var instance = Assert.Single(snapshot.Instances);
        Assert.Equal(7 * 86_400L, instance.ReplicationRuleLifetimeSeconds);
        Assert.Equal("https://rucio.example/prefix", instance.BaseUrl.OriginalString);
    }

    [Fact]
    public async Task DuplicateNamesKeepTheFirstAndReportTheSecond()
    {
        var json = $$"""{"instances": [ { {{ValidReplica}} }, { {{ValidReplica.Replace("\"Demo\"", "\"Other\"", StringComparison.Ordinal)}} } ]}""";

        var snapshot = await ResolveAsync(json);

        Assert.Equal("Demo", Assert.Single(snapshot.Instances).DisplayName);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal("demo", problem.Instance);
        Assert.Contains("more than once", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstanceWithoutNameIsReportedByPosition()
    {
        var snapshot = await ResolveAsync("""{"instances": [ {"display_name": "Anonymous"} ]}""");

        Assert.Empty(snapshot.Instances);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Contains("#1", problem.Message, StringComparison.Ordinal);
        Assert.Equal("name", problem.Key);
    }

    [Theory]
    [InlineData("{ not json", "Cannot parse")]
    [InlineData("[1, 2]", "must hold a JSON object")]
    [InlineData("""{"RucioConfig": 5}""", "'RucioConfig'")]
    [InlineData("""{"instances": {"name": "x"}}""", "must be a list")]
    public async Task UnreadableDocumentsAreReportedNotThrown(string json, string expected)
    {
        var snapshot = await ResolveAsync(json);

        Assert.Empty(snapshot.Instances);
        Assert.Contains(snapshot.Problems, p => p.Severity == ConfigProblemSeverity.Error && p.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void BadGlobalsAreWarningsWithDefaults()
    {
        var config = Build($$"""{"instances": [ { {{ValidReplica}} } ], "default_instance": "ghost", "default_auth_type": "kerberos", "log_level": "loud", "colour": "blue"}""");

        Assert.Null(config.DefaultInstance);
        Assert.Null(config.DefaultAuthType);
        Assert.Equal(ConfiguredLogLevel.Warning, config.LogLevel);
        Assert.Equal(["colour", "default_auth_type", "default_instance", "log_level"], config.Problems.Select(p => p.Key).Order());
        Assert.All(config.Problems, p => Assert.Equal(ConfigProblemSeverity.Warning, p.Severity));
        Assert.Contains(config.Problems, p => p.Message.Contains("'ghost'", StringComparison.Ordinal));
    }
}
