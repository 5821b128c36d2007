using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Configuration;

/// <summary>The operators' configurations from the seeds must work exactly as written.</summary>
public sealed class SeedConfigurationTests
{
    [Fact]
    public async Task EscapeBasicExampleParsesAsWritten()
    {
        var snapshot = await ConfigTestHelper.ResolveAsync(SeedExamples.EscapeBasic);

        var instance = Assert.Single(snapshot.Instances);
        Assert.Equal("experiment.cern.ch", instance.Name);
        Assert.Equal("Experiment", instance.DisplayName);
        Assert.Equal(new Uri("https://rucio"), instance.BaseUrl);
        Assert.Equal("XRD1-EOS", instance.DestinationRse);
        Assert.Equal("/eos/rucio", instance.RseMountPath);
        Assert.Equal(4, instance.PathBeginsAt);
        Assert.Equal(InstanceMode.Replica, instance.Mode);
        Assert.Equal("/path/to/rucio_ca.pem", instance.CaCertPath);
        // The only remark is that the example's CA path does not exist on this machine.
        Assert.All(snapshot.Problems, p => Assert.Equal(ConfigProblemSeverity.Warning, p.Severity));
        Assert.All(snapshot.Problems, p => Assert.Equal(ConfigKeys.CaCert, p.Key));
    }

    [Fact]
    public async Task EscapeAdvancedExampleKeepsBothInstancesAndGlobals()
    {
        var config = ConfigTestHelper.Build(SeedExamples.EscapeAdvanced);
        var snapshot = await ConfigTestHelper.ResolveAsync(SeedExamples.EscapeAdvanced);

        Assert.Equal(["experiment1.cern.ch", "experiment2.cern.ch"], snapshot.Instances.Select(i => i.Name));
        Assert.Equal("experiment1.cern.ch", config.DefaultInstance);
        Assert.Equal(AuthType.Oidc, config.DefaultAuthType);
        Assert.Equal(ConfiguredLogLevel.Debug, config.LogLevel);
        var second = snapshot.Instances[1];
        Assert.Equal("experiment2-vo", second.Vo);
        Assert.Equal("CERN", second.SiteName);
        Assert.True(second.WildcardEnabled);
        Assert.Equal(OidcTokenLocation.Environment, second.OidcAuth);
        Assert.Equal("RUCIO_ACCESS_TOKEN2", second.OidcEnvName);
        Assert.True(second.HasOperatorOidc);
        Assert.DoesNotContain(snapshot.Problems, p => p.Severity == ConfigProblemSeverity.Error);
        // The example leaves out the replica target: reported, but the instances stay usable.
        Assert.Contains(snapshot.Problems, p => p.Instance == "experiment1.cern.ch" && p.Key == "destination_rse");
    }

    [Fact]
    public async Task CernVreExampleParsesAsWritten()
    {
        var config = ConfigTestHelper.Build(SeedExamples.CernVre);
        var snapshot = await ConfigTestHelper.ResolveAsync(SeedExamples.CernVre);

        var vre = Assert.Single(snapshot.Instances);
        Assert.Equal("vre-rucio.cern.ch", vre.Name);
        Assert.Equal(new Uri("https://vre-rucio-auth.cern.ch"), vre.EffectiveAuthUrl);
        Assert.Equal(new Uri("https://vre-rucio-ui.cern.ch"), vre.WebUiUrl);
        Assert.False(vre.VomsEnabled);
        Assert.Equal(5, vre.PathBeginsAt);
        Assert.Equal("CERN-EOSPILOT", vre.DestinationRse);
        Assert.Equal("/eos/eulake", vre.RseMountPath);
        Assert.Equal("vre-rucio.cern.ch", config.DefaultInstance);
        Assert.Equal(AuthType.Oidc, config.DefaultAuthType);
        Assert.DoesNotContain(snapshot.Problems, p => p.Severity == ConfigProblemSeverity.Error);
    }

    [Fact]
    public async Task VreHelmExtraEnvAloneDeclaresTheSameInstanceAsTheJson()
    {
        var fromEnvironment = Assert.Single((await ConfigTestHelper.ResolveAsync(null, SeedExamples.VreHelmExtraEnv)).Instances);
        var fromJson = Assert.Single((await ConfigTestHelper.ResolveAsync(SeedExamples.CernVre)).Instances);

        // Same instance whichever way the operator wrote it.
        Assert.Equal(fromJson, fromEnvironment);
        var config = ConfigTestHelper.Build(null, SeedExamples.VreHelmExtraEnv);
        Assert.Equal("vre-rucio.cern.ch", config.DefaultInstance);
        Assert.Equal(AuthType.Oidc, config.DefaultAuthType);
    }

    [Fact]
    public async Task EscapeHelmExtraEnvIncludingUnconsumedVariablesWorks()
    {
        var config = ConfigTestHelper.Build(null, SeedExamples.EscapeHelmExtraEnv);
        var snapshot = await ConfigTestHelper.ResolveAsync(null, SeedExamples.EscapeHelmExtraEnv);

        var instance = Assert.Single(snapshot.Instances);
        Assert.Equal("EOS RSE", instance.DestinationRse);
        Assert.Equal(4, instance.PathBeginsAt);
        Assert.Equal("/eos/eos-rse", instance.RseMountPath);
        Assert.Equal(ConfiguredLogLevel.Warning, config.LogLevel);
        Assert.DoesNotContain(snapshot.Problems, p => p.Severity == ConfigProblemSeverity.Error);
    }
}
