using System.Globalization;
using Rucio.Client;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Replica;

/// <summary>
/// Replica-mode actions. Each runs under a per-DID mutex, so concurrent clicks are handled one after the other and
/// the second one finds the rule the first created. Every decision is taken on a status computed after the click.
/// </summary>
internal sealed class ReplicaActions(DidStatusService statuses, RucioIdentity identity, KeyedLock locks, ILogger<ReplicaActions> logger)
{
    /// <summary>
    /// Makes the DID available on the destination RSE: reuses a rule of the user that already covers it; otherwise
    /// checks the account's quota there and creates one rule (copies 1, grouping DATASET, the configured lifetime).
    /// </summary>
    /// <returns>The rule id and whether it was created now.</returns>
    public async Task<(string RuleId, bool Created)> MakeAvailableAsync(RucioSession session, Did did, CancellationToken cancellationToken)
    {
        using var serialized = await locks.AcquireAsync($"{session.Instance.Name}\n{did}", cancellationToken);
        var snapshot = await statuses.GetAsync(session, did, refresh: true, cancellationToken);
        if (snapshot.Rules.Count > 0)
        {
            return (snapshot.Rules[0].Id, false);
        }

        var rse = session.Instance.DestinationRse!;
        await CheckQuotaAsync(session, did, rse, snapshot.BytesTotal, cancellationToken);
        string ruleId;
        try
        {
            ruleId = await CreateRuleAsync(session, did, rse, cancellationToken);
        }
        catch (ApiProblemException ex) when (ex.Body.ExceptionClass == "DuplicateRule")
        {
            // Created meanwhile from elsewhere (another browser, the CLI): that rule is the answer.
            await statuses.InvalidateAsync(session.Instance.Name, cancellationToken);
            var fresh = await statuses.GetAsync(session, did, refresh: true, cancellationToken);
            if (fresh.Rules.Count == 0)
            {
                throw;
            }

            return (fresh.Rules[0].Id, false);
        }

        logger.LogInformation("Created rule {RuleId} for {Did} on {Rse} ({Instance})", ruleId, did, rse, session.Instance.Name);
        await statuses.InvalidateAsync(session.Instance.Name, cancellationToken);
        return (ruleId, true);
    }

    /// <summary>
    /// Retries a STUCK rule covering the DID. Rucio lets only administrators "boost" a rule, so the rule is re-created:
    /// the stuck rule is deleted (Rucio keeps it, expiring, for a grace period, and refuses a second rule with the same
    /// DID, account, expression and copies meanwhile), and a replacement is created with an equivalent spelling of the
    /// destination expression (<c>RSE</c>, <c>(RSE)</c>, <c>((RSE))</c>, …) not used by the user's rules on that DID.
    /// </summary>
    public async Task<string> RetryAsync(RucioSession session, Did did, CancellationToken cancellationToken)
    {
        using var serialized = await locks.AcquireAsync($"{session.Instance.Name}\n{did}", cancellationToken);
        var snapshot = await statuses.GetAsync(session, did, refresh: true, cancellationToken);
        var stuck = snapshot.Rules.FirstOrDefault(r => r.State is "STUCK" or "SUSPENDED")
            ?? (snapshot.Stuck > 0 ? snapshot.Rules.FirstOrDefault() : null)
            ?? throw new ApiProblemException(StatusCodes.Status409Conflict,
                snapshot.Rules.Count == 0
                    ? $"{did} has no replication rule to retry; make it available first."
                    : $"No rule of {did} is stuck, so there is nothing to retry.",
                "NothingToRetry");

        var ruleDid = new Did(stuck.Scope, stuck.Name);
        var rse = session.Instance.DestinationRse!;
        var used = snapshot.Rules.Where(r => r.Scope == stuck.Scope && r.Name == stuck.Name).Select(r => r.RseExpression).ToHashSet(StringComparer.Ordinal);
        var expression = rse;
        while (used.Contains(expression))
        {
            expression = $"({expression})";
        }

        await session.CallAsync($"delete the stuck rule {stuck.Id}", "DELETE /rules/{id}", async client =>
        {
            await client.Rules.DeleteAsync(stuck.Id, cancellationToken: cancellationToken);
            return true;
        });
        var ruleId = await CreateRuleAsync(session, ruleDid, expression, cancellationToken);
        logger.LogInformation("Retried stuck rule {OldRule} of {Did} as {RuleId}", stuck.Id, ruleDid, ruleId);
        await statuses.InvalidateAsync(session.Instance.Name, cancellationToken);
        return ruleId;
    }

    /// <summary>The user's rule covering the DID on the destination, or null.</summary>
    public async Task<string?> FindRuleAsync(RucioSession session, Did did, CancellationToken cancellationToken) =>
        (await statuses.GetAsync(session, did, refresh: false, cancellationToken)).Rules.FirstOrDefault()?.Id;

    private async Task CheckQuotaAsync(RucioSession session, Did did, string rse, long bytesNeeded, CancellationToken cancellationToken)
    {
        var (account, limit, used) = await session.CallAsync($"read your quota on {rse}", "GET /accounts/{account}/limits/local/{rse}", async client =>
        {
            var account = await identity.GetAccountAsync(session, client, cancellationToken);
            var limit = await client.Accounts.GetLocalLimitAsync(account, rse, cancellationToken);
            return (account, limit, 0L);
        });
        if (limit is not { } bytesLimit)
        {
            // No local limit: Rucio decides (admin accounts are exempt; others are refused and we relay the refusal).
            return;
        }

        used = await session.CallAsync($"read your usage of {rse}", "GET /accounts/{account}/usage/local", async client =>
        {
            await foreach (var usage in client.Accounts.ListLocalUsageAsync(account, cancellationToken))
            {
                if (usage.Rse == rse)
                {
                    return usage.Bytes ?? 0;
                }
            }

            return 0L;
        });
        var left = Math.Max(0, bytesLimit - used);
        if (bytesNeeded > left)
        {
            throw QuotaProblem(did, rse, account, bytesNeeded, left, bytesLimit, rucioMessage: null);
        }
    }

    private async Task<string> CreateRuleAsync(RucioSession session, Did did, string expression, CancellationToken cancellationToken)
    {
        var lifetime = session.Instance.ReplicationRuleLifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        try
        {
            using var lease = session.AcquireClient();
            var ids = await session.Metrics.MeasureAsync("POST /rules/", () => lease.Client.Rules.AddAsync(new RuleCreateOptions
            {
                Dids = [did],
                Copies = 1,
                RseExpression = expression,
                Grouping = RuleGrouping.Dataset,
                Lifetime = lifetime,
            }, cancellationToken));
            return ids.FirstOrDefault()
                ?? throw new ApiProblemException(StatusCodes.Status502BadGateway, "Rucio accepted the rule but returned no rule id.", "InvalidResponse");
        }
        catch (RucioException ex) when (ex.ErrorCode == "InsufficientAccountLimit")
        {
            throw QuotaProblem(did, session.Instance.DestinationRse!, null, null, null, null, ex.Message);
        }
        catch (RucioException ex)
        {
            throw session.ToProblem(ex, $"create a replication rule for {did}");
        }
    }

    private static ApiProblemException QuotaProblem(Did did, string rse, string? account, long? needed, long? left, long? limit, string? rucioMessage)
    {
        var detail = needed is { } n && left is { } l && limit is { } total
            ? $"It needs {Size(n)} on {rse}, but account '{account}' has {Size(l)} left of its {Size(total)} quota there."
            : $"Rucio says your account has no quota left for it on {rse}.";
        return new ApiProblemException(StatusCodes.Status409Conflict,
            $"Not enough quota to make {did} available. {detail} Remove rules you no longer need, or ask the operators for more quota.",
            "InsufficientAccountLimit",
            rucioMessage ?? detail);
    }

    /// <summary>1024-based, in the units the panel shows sizes in, so the sentence matches the numbers beside it.</summary>
    private static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
