namespace Rucio.DataLake.Core.Configuration;

/// <summary>
/// Reads the <c>RUCIO_*</c> variables that operators set (the Helm <c>singleuser.extraEnv</c> of the seeds and the
/// existing Docker <c>configure.py</c>). An instance is declared only when <c>RUCIO_BASE_URL</c> or
/// <c>RUCIO_NAME</c> is set; its name is <c>RUCIO_NAME</c>, or <c>default</c> like <c>configure.py</c>.
/// </summary>
internal static class EnvironmentConfigReader
{
    public const string DefaultInstanceName = "default";

    /// <summary>Environment variable → instance key.</summary>
    public static readonly IReadOnlyDictionary<string, string> InstanceVariables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["RUCIO_NAME"] = ConfigKeys.Name,
        ["RUCIO_DISPLAY_NAME"] = ConfigKeys.DisplayName,
        ["RUCIO_MODE"] = ConfigKeys.Mode,
        ["RUCIO_BASE_URL"] = ConfigKeys.BaseUrl,
        ["RUCIO_AUTH_URL"] = ConfigKeys.AuthUrl,
        ["RUCIO_WEBUI_URL"] = ConfigKeys.WebUiUrl,
        ["RUCIO_CA_CERT"] = ConfigKeys.CaCert,
        ["RUCIO_APP_ID"] = ConfigKeys.AppId,
        ["RUCIO_SITE_NAME"] = ConfigKeys.SiteName,
        ["RUCIO_VO"] = ConfigKeys.Vo,
        ["RUCIO_VOMS_ENABLED"] = ConfigKeys.VomsEnabled,
        ["RUCIO_VOMS_CERTDIR_PATH"] = ConfigKeys.VomsCertDirPath,
        ["RUCIO_VOMS_VOMSES_PATH"] = ConfigKeys.VomsVomsesPath,
        ["RUCIO_VOMS_VOMSDIR_PATH"] = ConfigKeys.VomsVomsDirPath,
        ["RUCIO_DESTINATION_RSE"] = ConfigKeys.DestinationRse,
        ["RUCIO_RSE_MOUNT_PATH"] = ConfigKeys.RseMountPath,
        ["RUCIO_PATH_BEGINS_AT"] = ConfigKeys.PathBeginsAt,
        ["RUCIO_REPLICATION_RULE_LIFETIME_DAYS"] = ConfigKeys.ReplicationRuleLifetimeDays,
        ["RUCIO_WILDCARD_ENABLED"] = ConfigKeys.WildcardEnabled,
        ["RUCIO_OIDC_AUTH"] = ConfigKeys.OidcAuth,
        ["RUCIO_OIDC_ENV_NAME"] = ConfigKeys.OidcEnvName,
        ["RUCIO_OIDC_FILE_NAME"] = ConfigKeys.OidcFileName,
        ["RUCIO_XCACHE_URL"] = ConfigKeys.XCacheUrl,
    };

    /// <summary>Environment variable → global key.</summary>
    public static readonly IReadOnlyDictionary<string, string> GlobalVariables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["RUCIO_DEFAULT_INSTANCE"] = ConfigKeys.DefaultInstance,
        ["RUCIO_DEFAULT_AUTH_TYPE"] = ConfigKeys.DefaultAuthType,
        ["RUCIO_LOG_LEVEL"] = ConfigKeys.LogLevel,
    };

    /// <summary>Reads the current process environment.</summary>
    public static ConfigSource ReadProcessEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in InstanceVariables.Keys.Concat(GlobalVariables.Keys))
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                variables[name] = value;
            }
        }

        return Read(variables);
    }

    /// <summary>Reads the given variables; empty values count as unset (Helm renders unset values as "").</summary>
    public static ConfigSource Read(IReadOnlyDictionary<string, string> variables)
    {
        string? Get(string name) =>
            variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var globals = new Dictionary<string, RawValue>(StringComparer.Ordinal);
        foreach (var (variable, key) in GlobalVariables)
        {
            if (Get(variable) is { } value)
            {
                globals[key] = RawValue.FromString(value, $"environment variable {variable}");
            }
        }

        if (Get("RUCIO_BASE_URL") is null && Get("RUCIO_NAME") is null)
        {
            return new ConfigSource { Globals = globals };
        }

        var values = new Dictionary<string, RawValue>(StringComparer.Ordinal)
        {
            [ConfigKeys.Name] = RawValue.FromString(DefaultInstanceName, "the default of the environment instance"),
        };
        foreach (var (variable, key) in InstanceVariables)
        {
            if (Get(variable) is { } value)
            {
                values[key] = RawValue.FromString(value, $"environment variable {variable}");
            }
        }

        return new ConfigSource { Instances = [new RawInstance(values)], Globals = globals };
    }
}
