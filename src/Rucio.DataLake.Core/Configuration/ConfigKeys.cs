namespace Rucio.DataLake.Core.Configuration;

/// <summary>The configuration keys exactly as operators write them in <c>RucioConfig</c>.</summary>
internal static class ConfigKeys
{
    public const string Instances = "instances";
    public const string DefaultInstance = "default_instance";
    public const string DefaultAuthType = "default_auth_type";
    public const string LogLevel = "log_level";

    public const string Name = "name";
    public const string DisplayName = "display_name";
    public const string Mode = "mode";
    public const string BaseUrl = "rucio_base_url";
    public const string AuthUrl = "rucio_auth_url";
    public const string WebUiUrl = "rucio_webui_url";
    public const string CaCert = "rucio_ca_cert";
    public const string AppId = "app_id";
    public const string SiteName = "site_name";
    public const string Vo = "vo";
    public const string VomsEnabled = "voms_enabled";
    public const string VomsCertDirPath = "voms_certdir_path";
    public const string VomsVomsesPath = "voms_vomses_path";
    public const string VomsVomsDirPath = "voms_vomsdir_path";
    public const string DestinationRse = "destination_rse";
    public const string RseMountPath = "rse_mount_path";
    public const string PathBeginsAt = "path_begins_at";
    public const string ReplicationRuleLifetimeDays = "replication_rule_lifetime_days";
    public const string WildcardEnabled = "wildcard_enabled";
    public const string OidcAuth = "oidc_auth";
    public const string OidcEnvName = "oidc_env_name";
    public const string OidcFileName = "oidc_file_name";
    public const string RemoteUrl = "$url";
    public const string XCacheUrl = "xcache_url";

    /// <summary>Accepted for compatibility and ignored: remote documents are now cached for a TTL instead.</summary>
    public const string LegacyCacheExpiresAt = "cache_expires_at";

    public static readonly IReadOnlySet<string> GlobalKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        Instances, DefaultInstance, DefaultAuthType, LogLevel,
    };

    public static readonly IReadOnlySet<string> InstanceKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        Name, DisplayName, Mode, BaseUrl, AuthUrl, WebUiUrl, CaCert, AppId, SiteName, Vo, VomsEnabled,
        VomsCertDirPath, VomsVomsesPath, VomsVomsDirPath, DestinationRse, RseMountPath, PathBeginsAt,
        ReplicationRuleLifetimeDays, WildcardEnabled, OidcAuth, OidcEnvName, OidcFileName, RemoteUrl, XCacheUrl,
        LegacyCacheExpiresAt,
    };

    /// <summary>Keys a remote document cannot set: the identity of the instance and the pointer to the document itself.</summary>
    public static readonly IReadOnlySet<string> LocalOnlyKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        Name, RemoteUrl,
    };
}
