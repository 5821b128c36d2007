namespace Rucio.DataLake.Core.Configuration;

/// <summary>How bad a configuration problem is.</summary>
internal enum ConfigProblemSeverity
{
    /// <summary>Something was ignored or defaulted; the instance keeps working.</summary>
    Warning,

    /// <summary>The instance (or the whole source) cannot be used until it is fixed.</summary>
    Error,
}

/// <summary>
/// One configuration problem, with a message written for the operator that names the instance and the key.
/// Shown in the backend log and by <c>GET /rucio-jupyterlab/instances</c>.
/// </summary>
internal sealed record ConfigProblem(ConfigProblemSeverity Severity, string? Instance, string? Key, string Message)
{
    public static ConfigProblem InstanceError(string? instance, string? key, string detail) =>
        new(ConfigProblemSeverity.Error, instance, key, Describe(instance, key, detail));

    public static ConfigProblem InstanceWarning(string? instance, string? key, string detail) =>
        new(ConfigProblemSeverity.Warning, instance, key, Describe(instance, key, detail));

    public static ConfigProblem Global(ConfigProblemSeverity severity, string? key, string detail) =>
        new(severity, null, key, key is null ? detail : $"RucioConfig key '{key}': {detail}");

    private static string Describe(string? instance, string? key, string detail)
    {
        var where = instance is null ? "An instance without a name" : $"Instance '{instance}'";
        return key is null ? $"{where}: {detail}" : $"{where}, key '{key}': {detail}";
    }
}
