using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.State;

namespace Rucio.DataLake.Core.Clients;

/// <summary>Why a session could not be opened.</summary>
internal enum SessionFailure
{
    None,

    /// <summary>The instance is not configured, or its configuration is currently unusable.</summary>
    UnknownInstance,

    /// <summary>No method was picked for the instance, and neither a default nor operator OIDC applies.</summary>
    NoAuthMethod,

    /// <summary>A method is picked but nothing is saved for it.</summary>
    NoCredentials,
}

/// <summary>The outcome of <see cref="RucioSessionResolver.ResolveAsync"/>: an instance, its method and credentials, or why not.</summary>
internal sealed record SessionResolution
{
    public SessionFailure Failure { get; init; }

    public string? Message { get; init; }

    public InstanceConfig? Instance { get; init; }

    public AuthType AuthType { get; init; }

    public StoredCredentials? Credentials { get; init; }
}

/// <summary>
/// The credential gate: which method an instance uses and whether credentials exist for it. The method is the one
/// the user picked for this instance, else <c>default_auth_type</c>, else OIDC when the operator provides a token.
/// OIDC counts as having credentials when the operator configured a token source or the user saved a token file,
/// so operator-provided OIDC works without the user pressing anything.
/// </summary>
internal sealed class RucioSessionResolver(InstanceRegistry registry, SettingsStore settings, CredentialStore credentials)
{
    public async Task<AuthType?> GetEffectiveAuthTypeAsync(InstanceConfig instance, CancellationToken cancellationToken) =>
        await settings.GetAuthTypeAsync(instance.Name, cancellationToken)
        ?? registry.Config.DefaultAuthType
        ?? (instance.HasOperatorOidc ? AuthType.Oidc : null);

    public async Task<SessionResolution> ResolveAsync(string instanceName, CancellationToken cancellationToken)
    {
        var instance = await registry.FindAsync(instanceName, cancellationToken);
        if (instance is null)
        {
            return new SessionResolution
            {
                Failure = SessionFailure.UnknownInstance,
                Message = $"The Rucio instance '{instanceName}' is not configured or its configuration has problems (see the instance list).",
            };
        }

        if (await GetEffectiveAuthTypeAsync(instance, cancellationToken) is not { } authType)
        {
            return new SessionResolution
            {
                Failure = SessionFailure.NoAuthMethod,
                Instance = instance,
                Message = $"No authentication method is chosen for '{instance.DisplayName}'. Choose one in Settings and save your credentials.",
            };
        }

        var saved = await credentials.GetAsync(instance.Name, authType, cancellationToken);
        var usable = saved is not null || (authType == AuthType.Oidc && instance.HasOperatorOidc);
        return usable
            ? new SessionResolution { Instance = instance, AuthType = authType, Credentials = saved }
            : new SessionResolution
            {
                Failure = SessionFailure.NoCredentials,
                Instance = instance,
                AuthType = authType,
                Message = $"Credentials not found for '{instance.DisplayName}' ({authType.ToWireName()}). Did you authenticate? Enter them in Settings.",
            };
    }
}
