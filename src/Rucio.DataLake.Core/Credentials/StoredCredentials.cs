using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rucio.DataLake.Core.Credentials;

/// <summary>
/// Credentials a user saved for one instance and method. Kept as the parameter object the frontend sends
/// (<c>{"username","password","account"}</c>, …). <see cref="object.ToString"/> never shows a secret.
/// </summary>
internal abstract record StoredCredentials
{
    public abstract AuthType Type { get; }

    /// <summary>The Rucio account to authenticate as; null lets Rucio pick the identity's default account.</summary>
    public string? Account { get; init; }

    /// <summary>The parameter object without secrets, plus whether each secret is set: safe to return to a browser.</summary>
    public abstract JsonObject ToPublicJson();

    /// <summary>The full parameter object, secrets included, for the state database only.</summary>
    public abstract JsonObject ToStorageJson();

    /// <summary>A stable digest of every field: two equal digests mean the same Rucio identity.</summary>
    public string Fingerprint()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($"{Type.ToWireName()}\n{ToStorageJson().ToJsonString()}");
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    /// <summary>Parses stored or submitted parameters; the message of a failure names the missing field.</summary>
    public static bool TryParse(AuthType type, JsonObject? parameters, out StoredCredentials? credentials, out string? error)
    {
        parameters ??= [];
        credentials = null;
        error = null;
        var account = Text(parameters, "account");
        switch (type)
        {
            case AuthType.UserPass:
                var username = Text(parameters, "username");
                var password = RawText(parameters, "password");
                if (username is null || string.IsNullOrEmpty(password))
                {
                    error = "Username and password are both required.";
                    return false;
                }

                credentials = new UserPassCredentials(username, password) { Account = account };
                return true;
            case AuthType.X509:
                var certificate = Text(parameters, "certificate");
                if (certificate is null)
                {
                    error = "The certificate file path is required.";
                    return false;
                }

                credentials = new X509CertificateCredentials(certificate, Text(parameters, "key")) { Account = account };
                return true;
            case AuthType.X509Proxy:
                var proxy = Text(parameters, "proxy");
                if (proxy is null)
                {
                    error = "The proxy file path is required.";
                    return false;
                }

                credentials = new X509ProxyCredentials(proxy) { Account = account };
                return true;
            case AuthType.Oidc:
                credentials = new OidcCredentials(Text(parameters, "token_path")) { Account = account };
                return true;
            default:
                error = "Unknown authentication method.";
                return false;
        }
    }

    protected static JsonObject WithAccount(JsonObject json, string? account)
    {
        json["account"] = account;
        return json;
    }

    private static string? Text(JsonObject parameters, string key) =>
        RawText(parameters, key)?.Trim() is { Length: > 0 } text ? text : null;

    /// <summary>Untrimmed: a password may legitimately begin or end with a space.</summary>
    private static string? RawText(JsonObject parameters, string key) =>
        parameters[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}

internal sealed record UserPassCredentials(string Username, string Password) : StoredCredentials
{
    public override AuthType Type => AuthType.UserPass;

    public override JsonObject ToPublicJson() =>
        WithAccount(new JsonObject { ["username"] = Username, ["password_set"] = Password.Length > 0 }, Account);

    public override JsonObject ToStorageJson() =>
        WithAccount(new JsonObject { ["username"] = Username, ["password"] = Password }, Account);

    public override string ToString() => $"UserPass(username={Username}, account={Account ?? "default"})";
}

internal sealed record X509CertificateCredentials(string CertificatePath, string? KeyPath) : StoredCredentials
{
    public override AuthType Type => AuthType.X509;

    /// <summary>Like the existing extension, a missing key path means the key is in the certificate file.</summary>
    public string EffectiveKeyPath => KeyPath ?? CertificatePath;

    public override JsonObject ToPublicJson() => ToStorageJson();

    public override JsonObject ToStorageJson() =>
        WithAccount(new JsonObject { ["certificate"] = CertificatePath, ["key"] = KeyPath }, Account);

    public override string ToString() => $"X509(certificate={CertificatePath}, account={Account ?? "default"})";
}

internal sealed record X509ProxyCredentials(string ProxyPath) : StoredCredentials
{
    public override AuthType Type => AuthType.X509Proxy;

    public override JsonObject ToPublicJson() => ToStorageJson();

    public override JsonObject ToStorageJson() => WithAccount(new JsonObject { ["proxy"] = ProxyPath }, Account);

    public override string ToString() => $"X509Proxy(proxy={ProxyPath}, account={Account ?? "default"})";
}

/// <summary>
/// OIDC chosen by the user. <see cref="TokenPath"/> optionally names a token file of the user's own (for example
/// the one the rucio CLI keeps); without it the operator's <c>oidc_auth</c> source is used. The token itself is
/// never stored: it is read at every use so a refreshed file keeps working.
/// </summary>
internal sealed record OidcCredentials(string? TokenPath) : StoredCredentials
{
    public override AuthType Type => AuthType.Oidc;

    public override JsonObject ToPublicJson() => ToStorageJson();

    public override JsonObject ToStorageJson() => WithAccount(new JsonObject { ["token_path"] = TokenPath }, Account);

    public override string ToString() => $"Oidc(token_path={TokenPath ?? "operator source"})";
}
