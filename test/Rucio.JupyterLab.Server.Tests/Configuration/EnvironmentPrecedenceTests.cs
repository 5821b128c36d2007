using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using static Rucio.JupyterLab.Server.Tests.Configuration.ConfigTestHelper;

namespace Rucio.JupyterLab.Server.Tests.Configuration;

/// <summary>The file wins key by key; the environment fills what the same-named instance lacks.</summary>
public sealed class EnvironmentPrecedenceTests
{
    [Fact]
    public async Task FileWinsAndEnvironmentFillsMissingKeysOfTheSameInstance()
    {
        var environment = new Dictionary<string, string>
        {
            ["RUCIO_NAME"] = "demo",
            ["RUCIO_BASE_URL"] = "https://from-env.example",
            ["RUCIO_SITE_NAME"] = "ENV-SITE",
            ["RUCIO_PATH_BEGINS_AT"] = "3",
        };

        var snapshot = await ResolveAsync(Instance(ValidReplica), environment);

        var instance = Assert.Single(snapshot.Instances);
        Assert.Equal(new Uri("https://rucio.example"), instance.BaseUrl);
        Assert.Equal("ENV-SITE", instance.SiteName);
        Assert.Equal(3, instance.PathBeginsAt);
    }

    [Fact]
    public async Task EnvironmentInstanceWithAnotherNameIsAddedAfterTheFileInstances()
    {
        var environment = new Dictionary<string, string>
        {
            ["RUCIO_BASE_URL"] = "https://env.example",
            ["RUCIO_DESTINATION_RSE"] = "ENV-RSE",
            ["RUCIO_RSE_MOUNT_PATH"] = "/mnt/env",
        };

        var snapshot = await ResolveAsync(Instance(ValidReplica), environment);

        Assert.Equal(["demo", "default"], snapshot.Instances.Select(i => i.Name));
        Assert.Equal(InstanceMode.Replica, snapshot.Instances[1].Mode);
        // Without RUCIO_DISPLAY_NAME the name is shown, with a warning that says so.
        Assert.Equal("default", snapshot.Instances[1].DisplayName);
        Assert.Contains(snapshot.Problems, p => p.Instance == "default" && p.Key == "display_name");
    }

    [Fact]
    public async Task WithoutBaseUrlOrNameTheEnvironmentDeclaresNoInstance()
    {
        var snapshot = await ResolveAsync(null, new Dictionary<string, string> { ["RUCIO_MODE"] = "replica", ["RUCIO_SITE_NAME"] = "X" });

        Assert.Empty(snapshot.Instances);
        Assert.Empty(snapshot.Problems);
    }

    [Fact]
    public async Task BadEnvironmentValueNamesTheVariable()
    {
        var environment = new Dictionary<string, string>
        {
            ["RUCIO_NAME"] = "demo",
            ["RUCIO_BASE_URL"] = "https://env.example",
            ["RUCIO_DESTINATION_RSE"] = "R",
            ["RUCIO_RSE_MOUNT_PATH"] = "/m",
            ["RUCIO_PATH_BEGINS_AT"] = "-2",
        };

        var snapshot = await ResolveAsync(null, environment);

        Assert.Empty(snapshot.Instances);
        var problem = Assert.Single(snapshot.Problems, p => p.Severity == ConfigProblemSeverity.Error);
        Assert.Equal("path_begins_at", problem.Key);
        Assert.Contains("RUCIO_PATH_BEGINS_AT", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GlobalsFromTheFileWinOverTheEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["RUCIO_DEFAULT_AUTH_TYPE"] = "x509",
            ["RUCIO_LOG_LEVEL"] = "error",
            ["RUCIO_DEFAULT_INSTANCE"] = "demo",
        };

        var config = Build($$"""{"instances": [ { {{ValidReplica}} } ], "default_auth_type": "userpass"}""", environment);

        Assert.Equal(AuthType.UserPass, config.DefaultAuthType);
        Assert.Equal(ConfiguredLogLevel.Error, config.LogLevel);
        Assert.Equal("demo", config.DefaultInstance);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public async Task BooleanVariablesAcceptConfigurePyAndPlainSpellings(string value, bool expected)
    {
        var environment = new Dictionary<string, string>
        {
            ["RUCIO_BASE_URL"] = "https://env.example",
            ["RUCIO_MODE"] = "download",
            ["RUCIO_WILDCARD_ENABLED"] = value,
            ["RUCIO_VOMS_ENABLED"] = value,
        };

        var instance = Assert.Single((await ResolveAsync(null, environment)).Instances);

        Assert.Equal(expected, instance.WildcardEnabled);
        Assert.Equal(expected, instance.VomsEnabled);
    }

    [Fact]
    public void EmptyVariablesCountAsUnset()
    {
        var config = Build(null, new Dictionary<string, string> { ["RUCIO_BASE_URL"] = "", ["RUCIO_NAME"] = "  " });

        Assert.Empty(config.Instances);
    }
}
