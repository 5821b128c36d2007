using Rucio.Client;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Replica;

/// <summary>
/// Replica-mode status of a DID from exactly three kinds of Rucio reads, run concurrently: one streamed
/// <c>GET /dids/{s}/{n}/files</c> (every file and its size), one streamed <c>POST /replicas/list</c> restricted to
/// <c>destination_rse</c> with the site as client location (which files are there, and their PFN), and the user's
/// covering rules (<see cref="RuleCollector"/>). Nothing is asked per file. The DID's type is read once and then
/// taken from the previous snapshot (it never changes).
/// </summary>
internal sealed class ReplicaStatusComputer(RuleCollector ruleCollector, RucioIdentity identity, TimeProvider time)
{
    public async Task<DidStatusSnapshot> ComputeAsync(RucioSession session, Did did, DidStatusSnapshot? previous, CancellationToken cancellationToken)
    {
        var instance = session.Instance;
        var rse = instance.DestinationRse;
        var mount = instance.RseMountPath;
        if (rse is null || mount is null)
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict,
                $"The instance '{instance.DisplayName}' has no destination_rse or rse_mount_path configured, so files cannot be made available here. Ask the operator to set them.",
                "ConfigurationIncomplete");
        }

        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = failFast.Token;
        using var lease = session.AcquireClient();
        var client = lease.Client;
        var metrics = session.Metrics;
        try
        {
            var account = await identity.GetAccountAsync(session, client, token);
            var typeTask = previous is not null && previous.Did == did
                ? Task.FromResult(previous.Type)
                : CancelOthersOnFailure(failFast, metrics.MeasureAsync("GET /dids/{scope}/{name}", async () => TypeName((await client.Dids.GetAsync(did, cancellationToken: token)).Type)));
            var filesTask = CancelOthersOnFailure(failFast, ListFilesAsync(metrics, client, did, token));
            var replicasTask = CancelOthersOnFailure(failFast, ListReplicasAsync(metrics, client, did, rse, instance.SiteName, token));
            var rulesTask = CancelOthersOnFailure(failFast, ruleCollector.CollectAsync(session, client, did, account, rse, token));
            try
            {
                await Task.WhenAll(typeTask, filesTask, replicasTask, rulesTask);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One read failed and cancelled the others: report the failure, not the cancellations.
                throw FirstFailure(typeTask, filesTask, replicasTask, rulesTask);
            }

            return Combine(did, await typeTask, await filesTask, await replicasTask, await rulesTask, new PfnPathMapper(mount, instance.PathBeginsAt));
        }
        catch (RucioException ex)
        {
            throw session.ToProblem(ex, $"read the status of {did}");
        }
    }

    internal static string TypeName(DidType type) => type switch
    {
        DidType.File => "file",
        DidType.Container => "container",
        _ => "dataset",
    };

    private DidStatusSnapshot Combine(
        Did did, string type, List<ListedFile> files, Dictionary<(string, string), string> pfns, CoveringRules rules, PfnPathMapper mapper)
    {
        // Rules that are not done but have no lock for a file (just attached, judge not run yet) still mean "coming".
        var pendingRule = rules.Rules.FirstOrDefault(r => r.State is RuleState.Replicating or RuleState.Inject or RuleState.WaitingApproval or RuleState.Ok);
        var blockedRule = rules.Rules.FirstOrDefault(r => r.State is RuleState.Stuck or RuleState.Suspended);
        var blockedReason = blockedRule is null ? null : rules.Reasons.GetValueOrDefault(blockedRule.Id);
        var rows = new StatusFileTable.Row[files.Count];
        var anyStuck = false;
        for (var i = 0; i < rows.Length; i++)
        {
            var (scope, name, size) = files[i];
            var key = (scope, name);
            if (pfns.TryGetValue(key, out var pfn))
            {
                // Only checked here; the table maps the path again when a page is read instead of holding every path.
                rows[i] = mapper.Map(pfn, out var refusal) is null
                    ? new StatusFileTable.Row(scope, name, size, FileStatus.NotAvailable, pfn, refusal)
                    : new StatusFileTable.Row(scope, name, size, FileStatus.Ok, pfn, null);
            }
            else if (rules.Locks.TryGetValue(key, out var held))
            {
                rows[i] = held.State == LockState.Stuck
                    ? new StatusFileTable.Row(scope, name, size, FileStatus.Stuck, null, rules.FileErrors.GetValueOrDefault(key) ?? rules.Reasons.GetValueOrDefault(held.RuleId))
                    : new StatusFileTable.Row(scope, name, size, FileStatus.Replicating, null, null);
            }
            else if (pendingRule is not null || rules.SettledLocks.Contains(key))
            {
                rows[i] = new StatusFileTable.Row(scope, name, size, FileStatus.Replicating, null, null);
            }
            else if (blockedRule is not null)
            {
                rows[i] = new StatusFileTable.Row(scope, name, size, FileStatus.Stuck, null, blockedReason);
            }
            else
            {
                rows[i] = new StatusFileTable.Row(scope, name, size, FileStatus.NotAvailable, null, null);
            }

            anyStuck |= rows[i].Status == FileStatus.Stuck;
        }

        var summaries = rules.Rules
            .OrderBy(r => r.Did == did ? 0 : 1)
            .Select(r => new RuleSummary(r.Id, RuleStateName(r.State), r.RseExpression, r.ExpiresAt, rules.Reasons.GetValueOrDefault(r.Id) ?? r.Error, r.Scope, r.Name))
            .ToList();
        var reason = anyStuck
            ? summaries.Select(r => r.Error).FirstOrDefault(e => e is not null) ?? "Some transfers to the destination keep failing."
            : null;
        return new DidStatusSnapshot(did, type, "replica", new StatusFileTable(rows, mapper), summaries, reason, time.GetUtcNow());
    }

    internal static string RuleStateName(RuleState state) => state switch
    {
        RuleState.Ok => "OK",
        RuleState.Replicating => "REPLICATING",
        RuleState.Stuck => "STUCK",
        RuleState.Suspended => "SUSPENDED",
        RuleState.WaitingApproval => "WAITING_APPROVAL",
        RuleState.Inject => "INJECT",
        _ => "UNKNOWN",
    };

    private static async Task<List<ListedFile>> ListFilesAsync(RucioCallMetrics metrics, RucioClient client, Did did, CancellationToken cancellationToken)
    {
        var files = new List<ListedFile>();
        string? scope = null;
        await foreach (var file in metrics.MeasureStream("GET /dids/{scope}/{name}/files", client.Dids.ListFilesAsync(did, cancellationToken: cancellationToken), cancellationToken))
        {
            // Share one scope string across the (usually identical) scopes of a big dataset.
            scope = file.Scope == scope ? scope : file.Scope;
            files.Add(new ListedFile(scope, file.Name, file.Bytes ?? -1));
        }

        return files;
    }

    private static async Task<Dictionary<(string, string), string>> ListReplicasAsync(
        RucioCallMetrics metrics, RucioClient client, Did did, string rse, string? site, CancellationToken cancellationToken)
    {
        var request = new ReplicaListRequest
        {
            Dids = [did],
            RseExpression = rse,
            ClientLocation = site is null ? null : new ClientLocation { Site = site },
            // Only the destination's first PFN is used; building every PFN's details would be garbage per file.
            SkipPfnDetails = true,
        };
        var pfns = new Dictionary<(string, string), string>();
        string? scope = null;
        await foreach (var replica in metrics.MeasureStream("POST /replicas/list", client.Replicas.ListAsync(request, cancellationToken), cancellationToken))
        {
            if (replica.States.TryGetValue(rse, out var state) && state == ReplicaState.Available
                && replica.Rses.TryGetValue(rse, out var onRse) && onRse.Count > 0)
            {
                // Keys live until the snapshot is built: one shared scope string instead of one per replica.
                scope = replica.Scope == scope ? scope : replica.Scope;
                pfns[(scope, replica.Name)] = onRse[0];
            }
        }

        return pfns;
    }

    private static async Task<T> CancelOthersOnFailure<T>(CancellationTokenSource failFast, Task<T> task)
    {
        try
        {
            return await task;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await failFast.CancelAsync();
            throw;
        }
    }

    private static Exception FirstFailure(params Task[] tasks) =>
        tasks.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException)
        ?? new OperationCanceledException();
}

/// <summary>One row of the file listing, kept as a struct: 100k of them are held until the snapshot is built.</summary>
internal readonly record struct ListedFile(string Scope, string Name, long Size);

