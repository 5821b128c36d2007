namespace Rucio.DataLake.Core.Configuration;

/// <summary>
/// Turns the merged keys of one instance into an <see cref="InstanceConfig"/>. Any error makes the instance
/// unusable (it is left out of the instance list); warnings leave it usable. Either way each problem is reported once.
/// </summary>
internal static class InstanceValidator
{
    private static readonly IReadOnlySet<string> HttpSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https" };

    private static readonly IReadOnlySet<string> XCacheSchemes =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "root", "roots", "xroot", "xroots", "http", "https", "davs" };

    private static readonly string[] Modes = ["replica", "download"];
    private static readonly string[] OidcLocations = ["env", "file"];

    /// <summary>Validates <paramref name="raw"/>; <paramref name="problems"/> receives every problem found.</summary>
    /// <returns>The instance, or null when it has errors.</returns>
    public static InstanceConfig? Validate(RawInstance raw, List<ConfigProblem> problems)
    {
        var name = raw.Name;
        var read = new RawValueReader(raw, name, problems);
        name = read.String(ConfigKeys.Name, required: true);

        foreach (var key in raw.Values.Keys.Where(k => !ConfigKeys.InstanceKeys.Contains(k)).Order(StringComparer.Ordinal))
        {
            read.Warning(key, $"unknown key, ignored{read.Origin(key)}.");
        }

        var displayName = read.String(ConfigKeys.DisplayName);
        if (displayName is null && name is not null)
        {
            read.Warning(ConfigKeys.DisplayName, $"is not set; the name '{name}' is shown instead.");
        }

        var mode = read.Choice(ConfigKeys.Mode, Modes) == "download" ? InstanceMode.Download : InstanceMode.Replica;
        var baseUrl = read.Url(ConfigKeys.BaseUrl, HttpSchemes, required: true);
        var authUrl = read.Url(ConfigKeys.AuthUrl, HttpSchemes);
        var webUiUrl = read.Url(ConfigKeys.WebUiUrl, HttpSchemes);
        var remoteUrl = read.Url(ConfigKeys.RemoteUrl, HttpSchemes);
        var xcacheUrl = read.Url(ConfigKeys.XCacheUrl, XCacheSchemes);

        var caCert = read.String(ConfigKeys.CaCert);
        if (caCert is not null && !File.Exists(caCert))
        {
            read.Warning(ConfigKeys.CaCert, $"the file '{caCert}' does not exist (yet); connections to Rucio will fail until it does.");
        }

        // Without these, replica mode cannot make data available, but browsing, search and auth still work (the
        // seeds' "advanced" example omits them), so their absence is a warning rather than a lost instance.
        var destinationRse = read.String(ConfigKeys.DestinationRse);
        var mountPath = read.String(ConfigKeys.RseMountPath);
        if (mode == InstanceMode.Replica)
        {
            foreach (var (key, value) in new[] { (ConfigKeys.DestinationRse, destinationRse), (ConfigKeys.RseMountPath, mountPath) })
            {
                if (value is null)
                {
                    read.Warning(key, "is needed in replica mode; files of this instance cannot be made available until it is set.");
                }
            }
        }

        if (mountPath is not null && !Path.IsPathRooted(mountPath))
        {
            read.Error(ConfigKeys.RseMountPath, $"must be an absolute path, not \"{mountPath}\"{read.Origin(ConfigKeys.RseMountPath)}.");
        }

        var pathBeginsAt = read.Integer(ConfigKeys.PathBeginsAt, 0, 1000) ?? 0;
        var lifetimeDays = read.Integer(ConfigKeys.ReplicationRuleLifetimeDays, 0, 365_000);

        var (oidcAuth, oidcEnvName, oidcFileName) = ReadOidc(read);
        var appId = read.String(ConfigKeys.AppId);
        var siteName = read.String(ConfigKeys.SiteName);
        var vo = read.String(ConfigKeys.Vo);
        var vomsEnabled = read.Boolean(ConfigKeys.VomsEnabled);
        var vomsCertDir = read.String(ConfigKeys.VomsCertDirPath);
        var vomses = read.String(ConfigKeys.VomsVomsesPath);
        var vomsDir = read.String(ConfigKeys.VomsVomsDirPath);
        var wildcardEnabled = read.Boolean(ConfigKeys.WildcardEnabled);

        // Every key was read first so that all problems of the instance are reported at once.
        if (read.HasErrors || name is null || baseUrl is null)
        {
            return null;
        }

        return new InstanceConfig
        {
            Name = name,
            DisplayName = displayName ?? name,
            Mode = mode,
            BaseUrl = TrimTrailingSlash(baseUrl)!,
            AuthUrl = TrimTrailingSlash(authUrl),
            WebUiUrl = TrimTrailingSlash(webUiUrl),
            CaCertPath = caCert,
            AppId = appId,
            SiteName = siteName,
            Vo = vo,
            VomsEnabled = vomsEnabled,
            VomsCertDirPath = vomsCertDir,
            VomsVomsesPath = vomses,
            VomsVomsDirPath = vomsDir,
            DestinationRse = destinationRse,
            RseMountPath = mountPath,
            PathBeginsAt = pathBeginsAt,
            ReplicationRuleLifetimeDays = lifetimeDays is > 0 ? lifetimeDays : null,
            WildcardEnabled = wildcardEnabled,
            OidcAuth = oidcAuth,
            OidcEnvName = oidcEnvName,
            OidcFileName = oidcFileName,
            RemoteConfigUrl = remoteUrl,
            XCacheUrl = xcacheUrl,
        };
    }

    /// <summary>
    /// An incomplete OIDC setup only disables OIDC for the instance (a warning): the other methods still work.
    /// </summary>
    private static (OidcTokenLocation?, string?, string?) ReadOidc(RawValueReader read)
    {
        var location = read.Choice(ConfigKeys.OidcAuth, OidcLocations);
        var envName = read.String(ConfigKeys.OidcEnvName);
        var fileName = read.String(ConfigKeys.OidcFileName);
        if (fileName is not null && !Path.IsPathRooted(fileName))
        {
            read.Warning(ConfigKeys.OidcFileName, $"\"{fileName}\" is a relative path; it is resolved against the backend's working directory.");
        }

        switch (location)
        {
            case "env" when envName is null:
                read.Warning(ConfigKeys.OidcEnvName, "is required when oidc_auth is \"env\"; OpenID Connect is disabled for this instance.");
                return (null, null, fileName);
            case "file" when fileName is null:
                read.Warning(ConfigKeys.OidcFileName, "is required when oidc_auth is \"file\"; OpenID Connect is disabled for this instance.");
                return (null, envName, null);
            case "env":
                return (OidcTokenLocation.Environment, envName, fileName);
            case "file":
                return (OidcTokenLocation.File, envName, fileName);
            default:
                return (null, envName, fileName);
        }
    }

    private static Uri? TrimTrailingSlash(Uri? uri) => uri is null ? null : new Uri(uri.OriginalString.TrimEnd('/'), UriKind.Absolute);
}
