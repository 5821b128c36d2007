using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Accounts;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rses;

namespace Rucio.Sandbox.Rules;

/// <summary>
/// Creates replication rules and keeps their locks complete: placement by grouping (ALL, DATASET, NONE),
/// preferring RSEs that already hold the data, with Rucio's RSE-selector checks (availability, copies, quota).
/// </summary>
internal sealed class RuleEngine(SandboxDatabase database, RuleBookkeeping bookkeeping, TimeProvider time)
{
    public async Task<List<string>> CreateRulesAsync(Issuer issuer, IReadOnlyList<(string Scope, string Name)> dids, RuleOptions options, CancellationToken cancellationToken)
    {
        var account = options.Account ?? issuer.Account;
        if (account != issuer.Account && !issuer.IsAdmin)
        {
            // Rucio 1.31 lets this AccessDenied escape as a 500 (transcript 28e).
            throw RucioException.AccessDenied($"Account {issuer.Account} can not add replication rule", StatusCodes.Status500InternalServerError);
        }

        if (options.Grouping is not ("ALL" or "DATASET" or "NONE"))
        {
            throw RucioException.InvalidObject($"Problem validating grouping : '{options.Grouping}' is not one of ['ALL', 'DATASET', 'NONE']");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AccountStore.RequireExistsAsync(connection, account, cancellationToken);
        var candidates = await CandidatesAsync(connection, options.RseExpression, options.IgnoreAvailability, cancellationToken);
        if (candidates.Count < options.Copies)
        {
            throw new RucioException(
                StatusCodes.Status409Conflict,
                "InsufficientTargetRSEs",
                $"Target RSE set not sufficient for number of copies. ({options.Copies} copies requested, RSE set size {candidates.Count})");
        }

        var quota = await QuotaLeftAsync(connection, account, candidates, cancellationToken);
        if (quota is not null && quota.Count(q => q.Value > 0) < options.Copies)
        {
            throw InsufficientQuota();
        }

        var ids = new List<string>();
        var now = time.GetUtcNow();
        foreach (var (scope, name) in dids)
        {
            var did = await DidStore.FindAsync(connection, scope, name, cancellationToken)
                ?? throw new RucioException(StatusCodes.Status404NotFound, "DataIdentifierNotFound", $"Data identifier {scope}:{name} is not valid.");
            var spec = await InsertRuleAsync(connection, did, account, options, now, cancellationToken);
            await EvaluateAsync(connection, spec, candidates, quota, cancellationToken);
            ids.Add(spec.Id);
        }

        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    /// <summary>Applies every rule on the DID and on its ancestors to content that has no locks yet.</summary>
    public async Task ReevaluateWithAncestorsAsync(SqliteConnection connection, string scope, string name, CancellationToken cancellationToken)
    {
        var rules = await connection.ListAsync(
            """
            WITH RECURSIVE ancestors(scope, name) AS (
                SELECT $s, $n
                UNION SELECT c.scope, c.name FROM contents c JOIN ancestors a ON c.child_scope = a.scope AND c.child_name = a.name
            )
            SELECT r.id, r.account, r.scope, r.name, r.grouping, r.copies, r.rse_expression, r.ignore_availability, r.activity, r.priority
            FROM rules r JOIN ancestors a ON r.scope = a.scope AND r.name = a.name ORDER BY r.seq
            """,
            r => new RuleSpec(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetString(6), r.GetInt64(7) != 0, r.GetString(8), r.GetInt64(9), null),
            cancellationToken,
            ("$s", scope),
            ("$n", name));
        foreach (var rule in rules)
        {
            await EvaluateAsync(connection, rule, candidates: null, quota: null, cancellationToken);
        }
    }

    private async Task EvaluateAsync(SqliteConnection connection, RuleSpec rule, List<RseWithAttributes>? candidates, Dictionary<string, long>? quota, CancellationToken cancellationToken)
    {
        var files = await RuleFilesAsync(connection, rule, cancellationToken);
        var existing = await connection.ListAsync("SELECT scope, name, rse_id FROM locks WHERE rule_id = $id", r => (r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken, ("$id", rule.Id));
        var lockedFiles = existing.Select(l => (l.Item1, l.Item2)).ToHashSet();
        var missing = files.Where(f => !lockedFiles.Contains((f.Scope, f.Name))).ToList();
        var blocks = missing.GroupBy(f => BlockKey(rule.Grouping, f)).ToList();
        var now = RucioTime.Now(time);
        await using (var writer = new LockWriter(connection, rule, now))
        {
            foreach (var block in blocks)
            {
                var targets = await ReusedTargetsAsync(connection, rule, block.Key, files, existing, cancellationToken);
                if (targets.Count == 0)
                {
                    candidates ??= await CandidatesAsync(connection, rule.RseExpression, rule.IgnoreAvailability, cancellationToken);
                    targets = await SelectTargetsAsync(connection, rule, block.ToList(), candidates, quota, cancellationToken);
                }

                foreach (var file in block)
                {
                    foreach (var rseId in targets)
                    {
                        await writer.LockAsync(file, rseId, cancellationToken);
                    }
                }

                if (rule.Grouping != "NONE")
                {
                    foreach (var dataset in block.Where(f => f.ParentType == DidTypes.Dataset).Select(f => (f.ParentScope!, f.ParentName!)).Distinct())
                    {
                        foreach (var rseId in targets)
                        {
                            await connection.ExecuteAsync(
                                "INSERT INTO dataset_locks (rule_id, scope, name, rse_id, account, state, created_at, updated_at) VALUES ($r, $s, $n, $rse, $a, 'R', $now, $now) ON CONFLICT DO NOTHING",
                                cancellationToken,
                                ("$r", rule.Id), ("$s", dataset.Item1), ("$n", dataset.Item2), ("$rse", rseId), ("$a", rule.Account), ("$now", now));
                        }
                    }
                }
            }
        }

        await bookkeeping.RecountAsync(connection, rule.Id, cancellationToken);
    }

    private static string BlockKey(string grouping, RuleFile file) => grouping switch
    {
        "ALL" => string.Empty,
        "NONE" => file.Scope + ":" + file.Name,
        _ => file.ParentScope is null ? file.Scope + ":" + file.Name : file.ParentScope + ":" + file.ParentName,
    };

    /// <summary>RSEs the rule already uses for this block (so new content joins its siblings).</summary>
    private static async Task<List<string>> ReusedTargetsAsync(SqliteConnection connection, RuleSpec rule, string blockKey, List<RuleFile> files, List<(string, string, string)> existing, CancellationToken cancellationToken)
    {
        if (existing.Count == 0 || rule.Grouping == "NONE")
        {
            return [];
        }

        if (rule.Grouping == "ALL")
        {
            return existing.Select(l => l.Item3).Distinct().ToList();
        }

        var siblings = files.Where(f => BlockKey(rule.Grouping, f) == blockKey).Select(f => (f.Scope, f.Name)).ToHashSet();
        var reused = existing.Where(l => siblings.Contains((l.Item1, l.Item2))).Select(l => l.Item3).Distinct().ToList();
        if (reused.Count == 0 && blockKey.Contains(':', StringComparison.Ordinal))
        {
            var separator = blockKey.IndexOf(':', StringComparison.Ordinal);
            reused = await connection.ListAsync(
                "SELECT DISTINCT rse_id FROM dataset_locks WHERE rule_id = $r AND scope = $s AND name = $n",
                r => r.GetString(0),
                cancellationToken,
                ("$r", rule.Id), ("$s", blockKey[..separator]), ("$n", blockKey[(separator + 1)..]));
        }

        return reused;
    }

    /// <summary>Picks the RSEs for a block: most bytes already present first, then by name; quota is checked.</summary>
    private static async Task<List<string>> SelectTargetsAsync(SqliteConnection connection, RuleSpec rule, List<RuleFile> block, List<RseWithAttributes> candidates, Dictionary<string, long>? quota, CancellationToken cancellationToken)
    {
        var size = block.Sum(f => f.Bytes);
        var present = await BytesPresentAsync(connection, block, candidates, cancellationToken);
        var eligible = candidates.Where(c => quota is null || quota.GetValueOrDefault(c.Rse.Id) > size).ToList();
        if (eligible.Count < rule.Copies)
        {
            throw quota is not null ? InsufficientQuota() : new RucioException(StatusCodes.Status409Conflict, "InsufficientTargetRSEs", "There are not enough target RSEs to fulfil the request at this time.");
        }

        var chosen = eligible
            .OrderByDescending(c => present.GetValueOrDefault(c.Rse.Id))
            .ThenBy(c => c.Rse.Name, StringComparer.Ordinal)
            .Take((int)rule.Copies)
            .Select(c => c.Rse.Id)
            .ToList();
        if (quota is not null)
        {
            foreach (var rseId in chosen)
            {
                quota[rseId] -= size;
            }
        }

        return chosen;
    }

    private static async Task<Dictionary<string, long>> BytesPresentAsync(SqliteConnection connection, List<RuleFile> block, List<RseWithAttributes> candidates, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (candidates.Count == 1)
        {
            return result;
        }

        await using var command = connection.Command("SELECT rse_id, bytes FROM replicas WHERE scope = $s AND name = $n AND state IN ('A', 'C')");
        command.Parameters.Add(new SqliteParameter("$s", string.Empty));
        command.Parameters.Add(new SqliteParameter("$n", string.Empty));
        foreach (var file in block)
        {
            command.Parameters[0].Value = file.Scope;
            command.Parameters[1].Value = file.Name;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result[reader.GetString(0)] = result.GetValueOrDefault(reader.GetString(0)) + reader.GetInt64(1);
            }
        }

        return result;
    }

    private static async Task<List<RuleFile>> RuleFilesAsync(SqliteConnection connection, RuleSpec rule, CancellationToken cancellationToken)
    {
        var rows = await connection.ListAsync(
            DidStore.FilesBelowCte + """
             SELECT t.scope, t.name, t.parent_scope, t.parent_name, p.did_type, COALESCE(d.bytes, 0), d.md5, d.adler32
            FROM tree t JOIN dids d ON d.scope = t.scope AND d.name = t.name
            LEFT JOIN dids p ON p.scope = t.parent_scope AND p.name = t.parent_name
            WHERE t.did_type = 'F' ORDER BY t.scope, t.name
            """,
            r => new RuleFile(r.GetString(0), r.GetString(1), r.Str("parent_scope"), r.Str("parent_name"), r.IsDBNull(4) ? null : r.GetString(4), r.GetInt64(5), r.Str("md5"), r.Str("adler32")),
            cancellationToken,
            ("$root_scope", rule.Scope),
            ("$root_name", rule.Name));
        return rows.DistinctBy(f => (f.Scope, f.Name)).ToList();
    }

    private static async Task<List<RseWithAttributes>> CandidatesAsync(SqliteConnection connection, string expression, bool ignoreAvailability, CancellationToken cancellationToken)
    {
        var rses = await RseUniverse.ResolveAsync(connection, expression, StatusCodes.Status409Conflict, cancellationToken);
        return rses.Where(r => ignoreAvailability || r.Rse.AvailabilityWrite).ToList();
    }

    /// <summary>Quota left per candidate RSE, or null when the account is exempt (admin accounts, as in Rucio).</summary>
    private static async Task<Dictionary<string, long>?> QuotaLeftAsync(SqliteConnection connection, string account, List<RseWithAttributes> candidates, CancellationToken cancellationToken)
    {
        var isAdmin = await connection.ScalarAsync("SELECT is_admin FROM accounts WHERE account = $a", cancellationToken, ("$a", account));
        if (Convert.ToInt64(isAdmin, System.Globalization.CultureInfo.InvariantCulture) != 0)
        {
            return null;
        }

        var limits = (await connection.ListAsync("SELECT rse_id, bytes FROM account_limits WHERE account = $a", r => (r.GetString(0), r.GetInt64(1)), cancellationToken, ("$a", account)))
            .ToDictionary(l => l.Item1, l => l.Item2, StringComparer.Ordinal);
        var usage = await AccountLimitEndpoints.UsageByRseAsync(connection, account, cancellationToken);

        // No limit on an RSE means no quota there at all.
        return candidates.ToDictionary(
            c => c.Rse.Id,
            c => limits.TryGetValue(c.Rse.Id, out var limit) ? limit - usage.GetValueOrDefault(c.Rse.Id) : 0,
            StringComparer.Ordinal);
    }

    private async Task<RuleSpec> InsertRuleAsync(SqliteConnection connection, DidRecord did, string account, RuleOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var duplicate = await connection.ScalarAsync(
            "SELECT 1 FROM rules WHERE scope = $s AND name = $n AND account = $a AND rse_expression = $e AND copies = $c",
            cancellationToken,
            ("$s", did.Scope), ("$n", did.Name), ("$a", account), ("$e", options.RseExpression), ("$c", options.Copies));
        if (duplicate is not null)
        {
            throw new RucioException(
                StatusCodes.Status409Conflict,
                "DuplicateRule",
                "(sqlite3.IntegrityError) UNIQUE constraint failed: rules.scope, rules.name, rules.account, rules.rse_expression, rules.copies");
        }

        var spec = new RuleSpec(Guid.NewGuid().ToString("N"), account, did.Scope, did.Name, options.Grouping, options.Copies, options.RseExpression, options.IgnoreAvailability, options.Activity ?? "User Subscriptions", options.Priority, options.Lifetime);
        await connection.ExecuteAsync(
            """
            INSERT INTO rules (id, subscription_id, account, scope, name, did_type, state, rse_expression, copies, expires_at,
                weight, locked, source_replica_expression, activity, grouping, notification, purge_replicas,
                ignore_availability, priority, comments, split_container, meta, created_at, updated_at)
            VALUES ($id, $sub, $a, $s, $n, $t, 'REPLICATING', $e, $c, $exp, $w, $locked, $src, $act, $g, $notif, $purge,
                $ignore, $prio, $comment, $split, $meta, $now, $now)
            """,
            cancellationToken,
            ("$id", spec.Id), ("$sub", options.SubscriptionId), ("$a", account), ("$s", did.Scope), ("$n", did.Name), ("$t", did.Type),
            ("$e", options.RseExpression), ("$c", options.Copies),
            ("$exp", options.Lifetime is null ? null : RucioTime.ToStorage(now.AddSeconds(options.Lifetime.Value))),
            ("$w", options.Weight), ("$locked", options.Locked ? 1 : 0), ("$src", options.SourceReplicaExpression),
            ("$act", spec.Activity), ("$g", options.Grouping), ("$notif", options.Notification), ("$purge", options.PurgeReplicas ? 1 : 0),
            ("$ignore", options.IgnoreAvailability ? 1 : 0), ("$prio", options.Priority), ("$comment", options.Comment),
            ("$split", options.SplitContainer ? 1 : 0), ("$meta", options.Meta), ("$now", RucioTime.ToStorage(now)));
        return spec;
    }

    private static RucioException InsufficientQuota()
        => new(StatusCodes.Status409Conflict, "InsufficientAccountLimit", "There is insufficient quota on any of the target RSE's to fullfill the operation.");
}
