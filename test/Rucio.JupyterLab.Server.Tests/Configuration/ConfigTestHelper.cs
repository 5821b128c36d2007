using Rucio.DataLake.Core.Configuration;

namespace Rucio.JupyterLab.Server.Tests.Configuration;

internal static class ConfigTestHelper
{
    public static RucioConfig Build(string? json, IReadOnlyDictionary<string, string>? environment = null) =>
        RucioConfigBuilder.Build(
            json is null ? ConfigSource.Empty : ConfigDocumentReader.Read(json, "the test configuration"),
            EnvironmentConfigReader.Read(environment ?? new Dictionary<string, string>()));

    /// <summary>Resolves without any remote document (tests of $url use <see cref="InstanceRegistry"/> directly).</summary>
    public static async Task<InstanceSnapshot> ResolveAsync(string? json, IReadOnlyDictionary<string, string>? environment = null)
    {
        var registry = new InstanceRegistry(Build(json, environment), new RemoteConfigClient(new RemoteConfigOptions()), TimeProvider.System);
        return await registry.GetSnapshotAsync(CancellationToken.None);
    }

    public static string Instance(string body) => $$"""{"instances":[{{{body}}}]}""";

    public const string ValidReplica =
        "\"name\":\"demo\",\"display_name\":\"Demo\",\"mode\":\"replica\",\"rucio_base_url\":\"https://rucio.example\",\"destination_rse\":\"RSE1\",\"rse_mount_path\":\"/eos/rucio\"";
}
