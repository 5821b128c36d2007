namespace Rucio.Sandbox.Auth;

/// <summary>The authenticated caller of a request: the account a token was issued for.</summary>
internal sealed record Issuer(
    string Account,
    string Identity,
    DateTimeOffset ExpiresAt,
    bool IsAdmin,
    string? Audience = null,
    string? AuthzScope = null);

internal static class IssuerHttpContextExtensions
{
    private const string ItemKey = "rucio.issuer";

    public static void SetIssuer(this HttpContext context, Issuer issuer) => context.Items[ItemKey] = issuer;

    /// <summary>The issuer established by <see cref="RequireTokenFilter"/>; every protected endpoint has one.</summary>
    public static Issuer Issuer(this HttpContext context)
        => context.Items.TryGetValue(ItemKey, out var value) && value is Issuer issuer
            ? issuer
            : throw new InvalidOperationException("Endpoint is missing the token filter.");
}
