namespace Rucio.DataLake.Core.Configuration;

/// <summary>How files of an instance reach the notebook server.</summary>
internal enum InstanceMode
{
    /// <summary>Rucio replicates to an RSE mounted on the notebook server (the recommended mode).</summary>
    Replica,

    /// <summary>The backend downloads the files to local disk.</summary>
    Download,
}

/// <summary>Where the operator provides the OIDC access token of an instance.</summary>
internal enum OidcTokenLocation
{
    Environment,
    File,
}

/// <summary>
/// One validated Rucio instance, after merging the configuration file, the <c>RUCIO_*</c> environment and the
/// remote <c>$url</c> document. Key names in comments are the configuration keys operators write.
/// </summary>
internal sealed record InstanceConfig
{
    /// <summary><c>name</c>: the instance id, also the <c>namespace</c> of every API call.</summary>
    public required string Name { get; init; }

    /// <summary><c>display_name</c>.</summary>
    public required string DisplayName { get; init; }

    /// <summary><c>mode</c>.</summary>
    public InstanceMode Mode { get; init; } = InstanceMode.Replica;

    /// <summary><c>rucio_base_url</c>.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary><c>rucio_auth_url</c>; null means the base URL.</summary>
    public Uri? AuthUrl { get; init; }

    /// <summary><c>rucio_webui_url</c>.</summary>
    public Uri? WebUiUrl { get; init; }

    /// <summary><c>rucio_ca_cert</c>: a PEM bundle trusted in addition to the system roots.</summary>
    public string? CaCertPath { get; init; }

    /// <summary><c>app_id</c>.</summary>
    public string? AppId { get; init; }

    /// <summary><c>site_name</c>: sent as the client location so Rucio can pick proxied PFNs.</summary>
    public string? SiteName { get; init; }

    /// <summary><c>vo</c>.</summary>
    public string? Vo { get; init; }

    /// <summary><c>voms_enabled</c>.</summary>
    public bool VomsEnabled { get; init; }

    /// <summary><c>voms_certdir_path</c>.</summary>
    public string? VomsCertDirPath { get; init; }

    /// <summary><c>voms_vomses_path</c>.</summary>
    public string? VomsVomsesPath { get; init; }

    /// <summary><c>voms_vomsdir_path</c>.</summary>
    public string? VomsVomsDirPath { get; init; }

    /// <summary><c>destination_rse</c>: required in replica mode.</summary>
    public string? DestinationRse { get; init; }

    /// <summary><c>rse_mount_path</c>: required in replica mode.</summary>
    public string? RseMountPath { get; init; }

    /// <summary><c>path_begins_at</c>: leading PFN path segments dropped before joining to the mount path.</summary>
    public int PathBeginsAt { get; init; }

    /// <summary><c>replication_rule_lifetime_days</c>; null means rules without a lifetime.</summary>
    public int? ReplicationRuleLifetimeDays { get; init; }

    /// <summary><c>wildcard_enabled</c>.</summary>
    public bool WildcardEnabled { get; init; }

    /// <summary><c>oidc_auth</c>; null when the operator provides no OIDC token.</summary>
    public OidcTokenLocation? OidcAuth { get; init; }

    /// <summary><c>oidc_env_name</c>.</summary>
    public string? OidcEnvName { get; init; }

    /// <summary><c>oidc_file_name</c>.</summary>
    public string? OidcFileName { get; init; }

    /// <summary><c>$url</c>: where the rest of this instance's keys were fetched from.</summary>
    public Uri? RemoteConfigUrl { get; init; }

    /// <summary><c>xcache_url</c> (new key): an XCache endpoint put in front of <c>root://</c> PFNs in download mode.</summary>
    public Uri? XCacheUrl { get; init; }

    /// <summary>The URL authentication requests go to.</summary>
    public Uri EffectiveAuthUrl => AuthUrl ?? BaseUrl;

    /// <summary>True when the operator configured a complete OIDC token source for this instance.</summary>
    public bool HasOperatorOidc => OidcAuth switch
    {
        OidcTokenLocation.Environment => !string.IsNullOrWhiteSpace(OidcEnvName),
        OidcTokenLocation.File => !string.IsNullOrWhiteSpace(OidcFileName),
        _ => false,
    };

    /// <summary>Rule lifetime in seconds as Rucio expects it, or null for none.</summary>
    public long? ReplicationRuleLifetimeSeconds =>
        ReplicationRuleLifetimeDays is > 0 and var days ? days * 86_400L : null;
}
