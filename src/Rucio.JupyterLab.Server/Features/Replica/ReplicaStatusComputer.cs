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
            var mapper = new PfnPathMapper(mount, instance.PathBeginsAt);
            var filesTask = CancelOthersOnFailure(failFast, ListFilesAsync(metrics, client, did, token));
            var replicasTask = CancelOthersOnFailure(failFast, ListReplicasAsync(metrics, client, did, rse, instance.SiteName, mapper, filesTask, token));
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

            return Combine(did, await typeTask, await filesTask, await replicasTask, await rulesTask, mapper);
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
        Did did, string type, ListedFiles files, Dictionary<(string, string), ReplicaOnDestination> replicas, CoveringRules rules, PfnPathMapper mapper)
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
            if (replicas.TryGetValue(key, out var replica))
            {
                // Mappable or not was decided while listing; the table maps the path when a page is read.
                rows[i] = new StatusFileTable.Row(scope, name, size, replica.Refusal is null ? FileStatus.Ok : FileStatus.NotAvailable, replica.Pfn, replica.Refusal);
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

    private static async Task<ListedFiles> ListFilesAsync(RucioCallMetrics metrics, RucioClient client, Did did, CancellationToken cancellationToken)
    {
        var files = new ListedFiles();
        // The lean listing: scope, name and size only (the scope string is shared by consecutive files).
        await foreach (var file in metrics.MeasureStream("GET /dids/{scope}/{name}/files", client.Dids.ListFileEntriesAsync(did, cancellationToken), cancellationToken))
        {
            files.Add(new ListedFile(file.Scope, file.Name, file.Bytes ?? -1));
        }

        return files;
    }

    private static async Task<Dictionary<(string, string), ReplicaOnDestination>> ListReplicasAsync(
        RucioCallMetrics metrics, RucioClient client, Did did, string rse, string? site, PfnPathMapper mapper, Task<ListedFiles> files,
        CancellationToken cancellationToken)
    {
        var request = new ReplicaListRequest
        {
            Dids = [did],
            RseExpression = rse,
            ClientLocation = site is null ? null : new ClientLocation { Site = site },
        };
        var replicas = new Dictionary<(string, string), ReplicaOnDestination>();
        var compressor = new PfnCompressor();
        // The lean listing: per file only its state and first PFN on the destination (the server's preferred one).
        await foreach (var replica in metrics.MeasureStream("POST /replicas/list", client.Replicas.ListOnRseAsync(request, rse, cancellationToken), cancellationToken))
        {
            if (replicas.Count == 0 && files.IsCompletedSuccessfully)
            {
                // The file listing is shorter and usually done first: sized once for it, the map is not regrown (and
                // copied) a dozen times on the large object heap, each time a full blocking collection.
                replicas.EnsureCapacity((await files).Count);
            }

            if (replica is { State: ReplicaState.Available, Pfn: { } pfn })
            {
                // Checked now, while the whole PFN is at hand; kept in pieces (shared head, no repeated name).
                mapper.CanMap(pfn, out var refusal);
                replicas[(replica.Scope, replica.Name)] = new ReplicaOnDestination(compressor.Compress(pfn, replica.Name), refusal);
            }
        }

        return replicas;
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

/// <summary>
/// The file listing in fixed chunks below the large-object threshold: a growing list would re-allocate (and copy)
/// its array on the large object heap a dozen times for 100k files, and each such allocation can cost a full
/// blocking collection while the listings stream.
/// </summary>
internal sealed class ListedFiles
{
    private const int ChunkLength = 2048;

    private readonly List<ListedFile[]> _chunks = [];

    public int Count { get; private set; }

    public ListedFile this[int index] => _chunks[index / ChunkLength][index % ChunkLength];

    public void Add(ListedFile file)
    {
        if (Count % ChunkLength == 0)
        {
            _chunks.Add(new ListedFile[ChunkLength]);
        }

        _chunks[^1][Count % ChunkLength] = file;
        Count++;
    }
}

/// <summary>An available replica on the destination: its PFN in pieces, and why it cannot be offered locally (if so).</summary>
internal readonly record struct ReplicaOnDestination(CompactPfn Pfn, string? Refusal);

