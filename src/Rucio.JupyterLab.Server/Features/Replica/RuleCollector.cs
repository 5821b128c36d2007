using System.Text.Json;
using Rucio.Client;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Replica;

/// <summary>What the user's rules say about the files of a DID on the destination RSE.</summary>
internal sealed class CoveringRules
{
    /// <summary>Rules of the user on the DID or an ancestor whose expression includes the destination RSE.</summary>
    public List<ReplicationRule> Rules { get; } = [];

    /// <summary>
    /// Files with a REPLICATING or STUCK lock of one of those rules on the destination. REPLICATING wins: while one
    /// rule still transfers the file (e.g. the replacement of a retried rule) it is not stuck.
    /// </summary>
    public Dictionary<(string Scope, string Name), (LockState State, string RuleId)> Locks { get; } = [];

    /// <summary>
    /// Files whose lock on the destination is already OK in a rule that is still transferring. The replica listing
    /// is read at the same time as the locks, so it can miss a transfer that finished in between; such a file is
    /// arriving, not stuck.
    /// </summary>
    public HashSet<(string Scope, string Name)> SettledLocks { get; } = [];

    /// <summary>Why a rule is STUCK or SUSPENDED, from its analysis.</summary>
    public Dictionary<string, string> Reasons { get; } = new(StringComparer.Ordinal);

    /// <summary>The last transfer error per stuck file, when the analysis names one.</summary>
    public Dictionary<(string Scope, string Name), string> FileErrors { get; } = [];
}

/// <summary>
/// Collects the user's rules that cover a DID on the destination RSE: <c>/dids/{s}/{n}/rules</c> of the DID and of
/// its ancestors (found with <c>/parents</c>, bounded in depth and count), kept when owned by the user's account and
/// their expression includes the RSE; then <c>/rules/{id}/locks</c> only for rules still transferring (to count
/// REPLICATING/STUCK per file) and <c>/rules/{id}/analysis</c> only for stuck ones. The number of calls depends on
/// the rules and ancestors, never on the number of files.
/// </summary>
internal sealed class RuleCollector(RucioIdentity identity)
{
    /// <summary>Levels of parents followed (file → dataset → container → container …).</summary>
    public const int MaxDepth = 4;

    /// <summary>Ancestors considered at most; a DID attached to more collections than this is unusual.</summary>
    public const int MaxAncestors = 32;

    public async Task<CoveringRules> CollectAsync(
        RucioSession session, RucioClient client, Did did, string account, string rse, CancellationToken cancellationToken)
    {
        var metrics = session.Metrics;
        var result = new CoveringRules();
        foreach (var target in await WithAncestorsAsync(metrics, client, did, cancellationToken))
        {
            await foreach (var rule in metrics.MeasureStream("GET /dids/{scope}/{name}/rules", client.Dids.ListRulesAsync(target, cancellationToken), cancellationToken))
            {
                if (string.Equals(rule.Account, account, StringComparison.Ordinal)
                    && await identity.ExpressionIncludesAsync(session, client, rule.RseExpression, rse, cancellationToken))
                {
                    result.Rules.Add(rule);
                }
            }
        }

        foreach (var rule in result.Rules)
        {
            var hasStuckLocks = false;
            if (rule.State != RuleState.Ok)
            {
                await foreach (var item in metrics.MeasureStream("GET /rules/{id}/locks", client.Rules.ListLocksAsync(rule.Id, cancellationToken), cancellationToken))
                {
                    if (item.State is LockState.Unknown || !string.Equals(item.Rse, rse, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (item.State == LockState.Ok)
                    {
                        result.SettledLocks.Add((item.Scope, item.Name));
                        continue;
                    }

                    hasStuckLocks |= item.State == LockState.Stuck;
                    var key = (item.Scope, item.Name);
                    if (!result.Locks.TryGetValue(key, out var known) || (known.State == LockState.Stuck && item.State == LockState.Replicating))
                    {
                        result.Locks[key] = (item.State, rule.Id);
                    }
                }
            }

            if (rule.State is RuleState.Stuck or RuleState.Suspended || hasStuckLocks)
            {
                await AnalyseAsync(metrics, client, rule, result, cancellationToken);
            }
        }

        return result;
    }

    private static async Task<List<Did>> WithAncestorsAsync(RucioCallMetrics metrics, RucioClient client, Did did, CancellationToken cancellationToken)
    {
        var all = new List<Did> { did };
        var seen = new HashSet<Did> { did };
        var level = new List<Did> { did };
        for (var depth = 0; depth < MaxDepth && level.Count > 0 && all.Count <= MaxAncestors; depth++)
        {
            var next = new List<Did>();
            foreach (var child in level)
            {
                await foreach (var parent in metrics.MeasureStream("GET /dids/{scope}/{name}/parents", client.Dids.ListParentsAsync(child, cancellationToken), cancellationToken))
                {
                    if (all.Count <= MaxAncestors && seen.Add(parent.Did))
                    {
                        all.Add(parent.Did);
                        next.Add(parent.Did);
                    }
                }
            }

            level = next;
        }

        return all;
    }

    private static async Task AnalyseAsync(RucioCallMetrics metrics, RucioClient client, ReplicationRule rule, CoveringRules result, CancellationToken cancellationToken)
    {
        RuleAnalysis analysis;
        try
        {
            analysis = await metrics.MeasureAsync("GET /rules/{id}/analysis", () => client.Rules.AnalyzeAsync(rule.Id, cancellationToken));
        }
        catch (RucioException) when (rule.Error is not null)
        {
            // The rule's own error already explains it; the analysis is a refinement.
            result.Reasons[rule.Id] = rule.Error;
            return;
        }

        var reason = rule.State == RuleState.Suspended
            ? "The rule is suspended by the Rucio operators; ask them to resume it."
            : analysis.RuleError ?? rule.Error ?? "Transfers for this rule keep failing.";
        result.Reasons[rule.Id] = reason;
        foreach (var transfer in analysis.Transfers)
        {
            if (transfer.ValueKind == JsonValueKind.Object
                && Text(transfer, "scope") is { } scope && Text(transfer, "name") is { } name && Text(transfer, "last_error") is { } error)
            {
                result.FileErrors[(scope, name)] = error;
            }
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
