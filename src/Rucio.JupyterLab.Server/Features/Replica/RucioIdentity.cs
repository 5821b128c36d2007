using System.Collections.Concurrent;
using Rucio.Client;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Replica;

/// <summary>
/// Facts about the user's Rucio identity and the instance's RSEs that change rarely and are cheap to keep: the
/// account behind the credentials (from the token, else <c>whoami</c>) and which RSEs an RSE expression resolves to
/// (one <c>GET /rses/?expression=</c> per expression, cached). Dropped by purge-cache.
/// </summary>
internal sealed class RucioIdentity(TimeProvider time)
{
    private static readonly TimeSpan ExpressionLifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, string> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (IReadOnlySet<string>? Rses, DateTimeOffset Expires)> _expressions = new(StringComparer.Ordinal);

    /// <summary>The Rucio account the session acts as.</summary>
    /// <exception cref="RucioException">Rucio refused or could not be reached.</exception>
    public async Task<string> GetAccountAsync(RucioSession session, RucioClient client, CancellationToken cancellationToken)
    {
        var key = session.Instance.Name + "\n" + session.IdentityKey;
        if (_accounts.TryGetValue(key, out var known))
        {
            return known;
        }

        var token = await client.Auth.GetTokenAsync(cancellationToken);
        var account = token.Account
            ?? (await session.Metrics.MeasureAsync("GET /accounts/whoami", () => client.Accounts.WhoAmIAsync(cancellationToken))).Account;
        _accounts[key] = account;
        return account;
    }

    /// <summary>
    /// Whether <paramref name="expression"/> resolves to a set that includes <paramref name="rse"/>. An expression
    /// Rucio cannot resolve (any more) includes nothing.
    /// </summary>
    public async Task<bool> ExpressionIncludesAsync(RucioSession session, RucioClient client, string? expression, string rse, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return false;
        }

        if (string.Equals(expression.Trim(), rse, StringComparison.Ordinal))
        {
            return true;
        }

        var key = session.Instance.Name + "\n" + expression;
        var now = time.GetUtcNow();
        if (!_expressions.TryGetValue(key, out var cached) || cached.Expires <= now)
        {
            IReadOnlySet<string>? names;
            try
            {
                names = await session.Metrics.MeasureAsync("GET /rses/", async () =>
                {
                    var set = new HashSet<string>(StringComparer.Ordinal);
                    await foreach (var item in client.Rses.ListAsync(expression, cancellationToken))
                    {
                        set.Add(item.Rse);
                    }

                    return (IReadOnlySet<string>)set;
                });
            }
            catch (RucioException ex) when (ex.ErrorCode is "InvalidRSEExpression" or "RSENotFound")
            {
                names = null;
            }

            cached = (names, now + ExpressionLifetime);
            _expressions[key] = cached;
        }

        return cached.Rses?.Contains(rse) == true;
    }

    public void Clear(string? instance)
    {
        foreach (var key in _accounts.Keys.Concat(_expressions.Keys))
        {
            if (instance is null || key.StartsWith(instance + "\n", StringComparison.Ordinal))
            {
                _accounts.TryRemove(key, out _);
                _expressions.TryRemove(key, out _);
            }
        }
    }
}
