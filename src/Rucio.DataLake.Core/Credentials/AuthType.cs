namespace Rucio.DataLake.Core.Credentials;

/// <summary>An authentication method, named on the wire as the existing extension names it.</summary>
internal enum AuthType
{
    UserPass,
    X509,
    X509Proxy,
    Oidc,
}

internal static class AuthTypeNames
{
    public const string UserPass = "userpass";
    public const string X509 = "x509";
    public const string X509Proxy = "x509_proxy";
    public const string Oidc = "oidc";

    public static readonly IReadOnlyList<string> All = [UserPass, X509, X509Proxy, Oidc];

    public static string ToWireName(this AuthType type) => type switch
    {
        AuthType.UserPass => UserPass,
        AuthType.X509 => X509,
        AuthType.X509Proxy => X509Proxy,
        AuthType.Oidc => Oidc,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool TryParse(string? text, out AuthType type)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case UserPass:
                type = AuthType.UserPass;
                return true;
            case X509:
                type = AuthType.X509;
                return true;
            case X509Proxy:
                type = AuthType.X509Proxy;
                return true;
            case Oidc:
                type = AuthType.Oidc;
                return true;
            default:
                type = default;
                return false;
        }
    }
}
