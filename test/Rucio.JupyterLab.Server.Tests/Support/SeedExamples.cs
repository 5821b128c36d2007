namespace Rucio.JupyterLab.Server.Tests.Support;

/// <summary>
/// Configuration exactly as the operators' documentation shows it (shared/seeds 000 and 001): these must parse as
/// written, without a changed line.
/// </summary>
internal static class SeedExamples
{
    public const string EscapeBasic =
        """
        {
        "RucioConfig": {
        "instances": [
        {
        "name": "experiment.cern.ch",
        "display_name": "Experiment",
        "rucio_base_url": "https://rucio",
        "rucio_auth_url": "https://rucio",
        "rucio_ca_cert": "/path/to/rucio_ca.pem",
        "destination_rse": "XRD1-EOS",
        "rse_mount_path": "/eos/rucio",
        "path_begins_at": 4,
        "mode": "replica"
        }
        ]
        }
        }
        """;

    public const string EscapeAdvanced =
        """
        {
        "RucioConfig": {
        "instances": [
        {
        "name": "experiment1.cern.ch",
        "display_name": "Experiment1",
        "rucio_base_url": "https://rucio1",
        "rucio_auth_url": "https://rucio1",
        "rucio_ca_cert": "/path/to/rucio_ca.pem",
        "site_name": "CERN",
        "vo": "experiment1-vo",
        "mode": "replica",
        "wildcard_enabled": true,
        "oidc_auth": "env",
        "oidc_env_name": "RUCIO_ACCESS_TOKEN1"
        },
        {
        "name": "experiment2.cern.ch",
        "display_name": "Experiment2",
        "rucio_base_url": "https://rucio2",
        "rucio_auth_url": "https://rucio2",
        "rucio_ca_cert": "/path/to/rucio_ca.pem",
        "site_name": "CERN",
        "vo": "experiment2-vo",
        "mode": "replica",
        "wildcard_enabled": true,
        "oidc_auth": "env",
        "oidc_env_name": "RUCIO_ACCESS_TOKEN2"
        }
        ],
        "default_instance": "experiment1.cern.ch",
        "default_auth_type": "oidc",
        "log_level": "debug"
        }
        }
        """;

    public const string EscapeRemoteLocal =
        """
        {
        "RucioConfig": {
        "instances": [
        {
        "name": "experiment.cern.ch",
        "display_name": "Experiment",
        "$url": "https://url-to-rucio-configuration/config.json"
        }
        ]
        }
        }
        """;

    /// <summary>The document behind <c>$url</c> in the seed, with its "..." left out.</summary>
    public const string EscapeRemoteDocument =
        """
        {
        "rucio_base_url": "https://rucio",
        "destination_rse": "XRD1-EOS",
        "rucio_auth_url": "https://rucio",
        "rucio_ca_cert": "/path/to/rucio_ca.pem",
        "rse_mount_path": "/eos/rucio",
        "path_begins_at": 4,
        "mode": "replica"
        }
        """;

    public const string CernVre =
        """
        {
          "RucioConfig": {
            "instances": [
              {
                "name": "vre-rucio.cern.ch",
                "display_name": "RUCIO - CERN VRE",
                "rucio_base_url": "https://vre-rucio.cern.ch",
                "rucio_auth_url": "https://vre-rucio-auth.cern.ch",
                "rucio_webui_url": "https://vre-rucio-ui.cern.ch",
                "rucio_ca_cert": "/certs/rucio_ca.pem",
                "site_name": "CERN",
                "voms_enabled": false,
                "destination_rse": "CERN-EOSPILOT",
                "rse_mount_path": "/eos/eulake",
                "path_begins_at": 5,
                "mode": "replica",
                "wildcard_enabled": true,
                "oidc_auth": "env",
                "oidc_env_name": "RUCIO_ACCESS_TOKEN"
              }
            ],
            "default_instance": "vre-rucio.cern.ch",
            "default_auth_type": "oidc"
          }
        }
        """;

    /// <summary>The VRE Helm chart's <c>singleuser.extraEnv</c> (seed 001/002), values as Helm renders them.</summary>
    public static readonly IReadOnlyDictionary<string, string> VreHelmExtraEnv = new Dictionary<string, string>
    {
        ["RUCIO_MODE"] = "replica",
        ["RUCIO_WILDCARD_ENABLED"] = "1",
        ["RUCIO_BASE_URL"] = "https://vre-rucio.cern.ch",
        ["RUCIO_AUTH_URL"] = "https://vre-rucio-auth.cern.ch",
        ["RUCIO_WEBUI_URL"] = "https://vre-rucio-ui.cern.ch",
        ["RUCIO_DISPLAY_NAME"] = "RUCIO - CERN VRE",
        ["RUCIO_NAME"] = "vre-rucio.cern.ch",
        ["RUCIO_SITE_NAME"] = "CERN",
        ["RUCIO_OIDC_AUTH"] = "env",
        ["RUCIO_OIDC_ENV_NAME"] = "RUCIO_ACCESS_TOKEN",
        ["RUCIO_DEFAULT_AUTH_TYPE"] = "oidc",
        ["RUCIO_OAUTH_ID"] = "rucio",
        ["RUCIO_DEFAULT_INSTANCE"] = "vre-rucio.cern.ch",
        ["RUCIO_DESTINATION_RSE"] = "CERN-EOSPILOT",
        ["RUCIO_RSE_MOUNT_PATH"] = "/eos/eulake",
        ["RUCIO_PATH_BEGINS_AT"] = "5",
        ["RUCIO_CA_CERT"] = "/certs/rucio_ca.pem",
    };

    /// <summary>The generic Helm example of seed 000, placeholders filled in, including its log level and OAUTH2_TOKEN.</summary>
    public static readonly IReadOnlyDictionary<string, string> EscapeHelmExtraEnv = new Dictionary<string, string>
    {
        ["RUCIO_MODE"] = "replica",
        ["RUCIO_WILDCARD_ENABLED"] = "1",
        ["RUCIO_BASE_URL"] = "https://rucio.example.org",
        ["RUCIO_AUTH_URL"] = "https://rucio-auth.example.org",
        ["RUCIO_WEBUI_URL"] = "https://rucio-ui.example.org",
        ["RUCIO_DISPLAY_NAME"] = "Example",
        ["RUCIO_NAME"] = "rucio.example.org",
        ["RUCIO_SITE_NAME"] = "EXAMPLE",
        ["RUCIO_OIDC_AUTH"] = "env",
        ["RUCIO_OIDC_ENV_NAME"] = "RUCIO_ACCESS_TOKEN",
        ["RUCIO_DEFAULT_AUTH_TYPE"] = "oidc",
        ["RUCIO_LOG_LEVEL"] = "warning",
        ["RUCIO_OAUTH_ID"] = "example",
        ["RUCIO_DEFAULT_INSTANCE"] = "rucio.example.org",
        ["RUCIO_DESTINATION_RSE"] = "EOS RSE",
        ["RUCIO_RSE_MOUNT_PATH"] = "/eos/eos-rse",
        ["RUCIO_PATH_BEGINS_AT"] = "4",
        ["RUCIO_CA_CERT"] = "/etc/rucio_ca.pem",
        ["OAUTH2_TOKEN"] = "FILE:/tmp/eos_oauth.token",
    };
}
