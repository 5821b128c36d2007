namespace Rucio.Client;

/// <summary>Accounts, limits and usage.</summary>
public sealed class RucioAccountsClient
{
    private readonly RucioPipeline _pipeline;

    internal RucioAccountsClient(RucioPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// The token's account. The server answers 303 with a relative <c>Location: root</c>; it is resolved against
    /// /accounts/whoami (giving /accounts/root) and followed by the client itself.
    /// </summary>
    public Task<RucioAccount> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(new RucioRequest(HttpMethod.Get, "accounts/whoami"), RucioJsonContext.Default.RucioAccount, cancellationToken);

    public Task<RucioAccount> GetAsync(string account, CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(
            new RucioRequest(HttpMethod.Get, $"accounts/{RucioPipeline.Segment(account)}"),
            RucioJsonContext.Default.RucioAccount,
            cancellationToken);

    /// <summary>RSE → local limit in bytes (null: no limit set).</summary>
    public Task<IReadOnlyDictionary<string, long?>> GetLocalLimitsAsync(string account, CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(
            new RucioRequest(HttpMethod.Get, $"accounts/{RucioPipeline.Segment(account)}/limits/local"),
            RucioJsonContext.Default.IReadOnlyDictionaryStringNullableInt64,
            cancellationToken);

    /// <summary>The local limit of the account on one RSE, in bytes; null when none is set.</summary>
    public async Task<long?> GetLocalLimitAsync(string account, string rse, CancellationToken cancellationToken = default)
    {
        var limits = await _pipeline.SendForJsonAsync(
            new RucioRequest(HttpMethod.Get, $"accounts/{RucioPipeline.Segment(account)}/limits/local/{RucioPipeline.Segment(rse)}"),
            RucioJsonContext.Default.IReadOnlyDictionaryStringNullableInt64,
            cancellationToken);
        return limits.TryGetValue(rse, out var limit) ? limit : null;
    }

    public IAsyncEnumerable<AccountUsage> ListLocalUsageAsync(string account, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"accounts/{RucioPipeline.Segment(account)}/usage/local"),
            RucioPipeline.JsonLines(RucioJsonContext.Default.AccountUsage),
            cancellationToken);

    public IAsyncEnumerable<AccountIdentity> ListIdentitiesAsync(string account, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"accounts/{RucioPipeline.Segment(account)}/identities"),
            RucioPipeline.JsonLines(RucioJsonContext.Default.AccountIdentity),
            cancellationToken);
}

/// <summary>Scopes.</summary>
public sealed class RucioScopesClient
{
    private readonly RucioPipeline _pipeline;

    internal RucioScopesClient(RucioPipeline pipeline) => _pipeline = pipeline;

    /// <summary>GET /scopes/ — every scope (a JSON array of names).</summary>
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(new RucioRequest(HttpMethod.Get, "scopes/"), RucioJsonContext.Default.IReadOnlyListString, cancellationToken);

    /// <summary>GET /accounts/{account}/scopes/ — the scopes an account owns.</summary>
    public Task<IReadOnlyList<string>> ListForAccountAsync(string account, CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(
            new RucioRequest(HttpMethod.Get, $"accounts/{RucioPipeline.Segment(account)}/scopes/"),
            RucioJsonContext.Default.IReadOnlyListString,
            cancellationToken);
}
