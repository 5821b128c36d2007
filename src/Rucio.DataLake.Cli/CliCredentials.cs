using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.State;

namespace Rucio.DataLake.Cli;

/// <summary>
/// Which identity the CLI uses, in this order: the method from <c>--auth-type</c> or <c>RUCIO_AUTH_TYPE</c> (else the one
/// implied by the variables that are set, else the extension's choice for the instance, else <c>default_auth_type</c>);
/// its credentials from the standard Rucio variables when set, else from the JupyterLab extension's credential store.
/// </summary>
internal static class CliCredentials
{
    /// <summary>Environment variable naming the extension's data directory (as the backend reads it).</summary>
    public const string ExtensionDataDirectoryVariable = "RUCIO_JUPYTERLAB_DATA_DIR";

    public static async Task<(AuthType, StoredCredentials?)> ResolveAsync(InstanceConfig instance, AuthType? configuredDefault, string? authTypeOption, CancellationToken cancellationToken)
    {
        var store = await OpenExtensionStoreAsync(cancellationToken);
        var type = await ChooseTypeAsync(instance, configuredDefault, authTypeOption, store, cancellationToken);
        var account = Environment.GetEnvironmentVariable("RUCIO_ACCOUNT");
        StoredCredentials? fromEnvironment = type switch
        {
            AuthType.UserPass when Variable("RUCIO_USERNAME") is { } user && Variable("RUCIO_PASSWORD") is { } password =>
                new UserPassCredentials(user, password) { Account = account },
            AuthType.X509 when Variable("X509_USER_CERT") is { } certificate =>
                new X509CertificateCredentials(certificate, Variable("X509_USER_KEY")) { Account = account },
            AuthType.X509Proxy when Variable("X509_USER_PROXY") is { } proxy =>
                new X509ProxyCredentials(proxy) { Account = account },
            AuthType.Oidc when Variable("RUCIO_OIDC_TOKEN_FILE") is { } tokenFile =>
                new OidcCredentials(tokenFile) { Account = account },
            _ => null,
        };
        if (fromEnvironment is not null)
        {
            return (type, fromEnvironment);
        }

        if (store is not null && await store.Credentials.GetAsync(instance.Name, type, cancellationToken) is { } saved)
        {
            return (type, account is null ? saved : saved with { Account = account });
        }

        return type switch
        {
            AuthType.Oidc => (type, new OidcCredentials(null) { Account = account }),
            AuthType.UserPass => throw Missing("set RUCIO_USERNAME and RUCIO_PASSWORD"),
            AuthType.X509 => throw Missing("set X509_USER_CERT (and X509_USER_KEY)"),
            _ => throw Missing("set X509_USER_PROXY"),
        };

        CliException Missing(string what) => new(ExitCodes.AuthenticationError,
            $"No {type.ToWireName()} credentials for instance '{instance.Name}': {what}, or save them in the JupyterLab extension's Settings.");
    }

    private static async Task<AuthType> ChooseTypeAsync(InstanceConfig instance, AuthType? configuredDefault, string? option, ExtensionStore? store, CancellationToken cancellationToken)
    {
        var requested = option ?? Variable("RUCIO_AUTH_TYPE");
        if (requested is not null)
        {
            return AuthTypeNames.TryParse(requested, out var parsed)
                ? parsed
                : throw new CliException(ExitCodes.UsageError, $"Authentication type '{requested}' is not one of {string.Join(", ", AuthTypeNames.All)}.");
        }

        if (Variable("RUCIO_USERNAME") is not null)
        {
            return AuthType.UserPass;
        }

        if (Variable("X509_USER_PROXY") is not null)
        {
            return AuthType.X509Proxy;
        }

        if (Variable("X509_USER_CERT") is not null)
        {
            return AuthType.X509;
        }

        if (store is not null && await store.Settings.GetAuthTypeAsync(instance.Name, cancellationToken) is { } chosen)
        {
            return chosen;
        }

        return configuredDefault ?? (instance.HasOperatorOidc ? AuthType.Oidc : AuthType.UserPass);
    }

    /// <summary>The extension's state database, only when it exists: the CLI never creates the extension's files.</summary>
    private static async Task<ExtensionStore?> OpenExtensionStoreAsync(CancellationToken cancellationToken)
    {
        var directory = Variable(ExtensionDataDirectoryVariable)
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".rucio_jupyterlab");
        if (!File.Exists(Path.Combine(directory, StateDatabase.FileName)))
        {
            return null;
        }

        var database = await StateDatabase.OpenAsync(directory, cancellationToken);
        return new ExtensionStore(new SettingsStore(database, TimeProvider.System), new CredentialStore(database, TimeProvider.System));
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private sealed record ExtensionStore(SettingsStore Settings, CredentialStore Credentials);
}
