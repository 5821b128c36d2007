namespace Rucio.Client;

/// <summary>A Rucio authentication token. <see cref="ToString"/> never reveals <see cref="Value"/>.</summary>
public sealed class RucioToken
{
    public RucioToken(string value, DateTimeOffset expiresAt, string? account)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
        ExpiresAt = expiresAt;
        Account = account;
    }

    /// <summary>The secret sent as <c>X-Rucio-Auth-Token</c>.</summary>
    public string Value { get; }

    /// <summary>
    /// When the token stops being valid (UTC). <see cref="DateTimeOffset.MaxValue"/> when the expiry is unknown,
    /// for example an OIDC token without an <c>exp</c> claim: it is then used until the server rejects it.
    /// </summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The account the token belongs to, when known.</summary>
    public string? Account { get; }

    public override string ToString() => $"RucioToken(Account={Account ?? "?"}, ExpiresAt={ExpiresAt:O})";
}

/// <summary>What <c>GET /auth/validate</c> says about the current token.</summary>
public sealed record RucioTokenValidation
{
    public string? Account { get; init; }

    public string? Identity { get; init; }

    /// <summary>The token's expiry as the server sees it (UTC).</summary>
    public DateTimeOffset? Lifetime { get; init; }

    public string? Vo { get; init; }
}
