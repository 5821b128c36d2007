namespace Rucio.Client;

/// <summary>Configuration of a <see cref="RucioClient"/>.</summary>
public sealed class RucioClientOptions
{
    /// <summary>The Rucio server, possibly with a path prefix (e.g. <c>https://host/rucio</c>). Required.</summary>
    public Uri? BaseUri { get; set; }

    /// <summary>The authentication server; defaults to <see cref="BaseUri"/>.</summary>
    public Uri? AuthUri { get; set; }

    /// <summary>Sent as <c>X-Rucio-Account</c> on authentication requests; null lets the server pick the identity's default.</summary>
    public string? Account { get; set; }

    /// <summary>Sent as <c>X-Rucio-VO</c> on every request when set.</summary>
    public string? Vo { get; set; }

    /// <summary>Sent as <c>X-Rucio-AppID</c> on every request when set.</summary>
    public string? AppId { get; set; }

    /// <summary>How to obtain tokens. Required.</summary>
    public RucioCredential? Credential { get; set; }

    /// <summary>
    /// CA certificates trusted in addition to the system roots (grid CAs are usually not in the system store): a PEM
    /// bundle, or a directory of PEM files such as <c>/etc/grid-security/certificates</c>. Server certificate
    /// validation is never disabled.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Per-attempt timeout of every call; for streamed listings, the longest wait for the next data. Default 60 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    public RetryOptions Retry { get; set; } = new();

    /// <summary>Tokens are renewed this long before they expire. Default 5 min.</summary>
    public TimeSpan RenewBeforeExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Optional directory for an on-disk token cache laid out like Rucio's Python client: the token in
    /// <c>auth_token_for_account_&lt;account&gt;</c> (or <c>auth_token_for_default_account</c>) and its expiry as Unix
    /// seconds in <c>auth_token_exp_for_account_&lt;account&gt;</c>. Point it at <c>/tmp/.rucio_&lt;user&gt;</c> to share
    /// tokens with the <c>rucio</c> CLI. Files are created 0600 and the directory 0700.
    /// </summary>
    public string? TokenCacheDirectory { get; set; }

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public string UserAgent { get; set; } = "rucio-dotnet-client/1.0";
}

/// <summary>Retry policy for transient failures (connection errors, 502/503/504).</summary>
public sealed class RetryOptions
{
    /// <summary>Retries after the first attempt. 0 disables retries.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base delay; doubled on each retry, with jitter.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of a single delay.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);
}
