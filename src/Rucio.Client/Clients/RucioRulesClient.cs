using System.Text.Json;

namespace Rucio.Client;

/// <summary>Replication rules and locks.</summary>
public sealed class RucioRulesClient
{
    private readonly RucioPipeline _pipeline;

    internal RucioRulesClient(RucioPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// POST /rules/ — never retried on a server error, since the first attempt may have created the rule. Returns the
    /// new rule ids (the server sends a JSON list labelled text/html).
    /// </summary>
    public Task<IReadOnlyList<string>> AddAsync(RuleCreateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.RseExpression);
        if (options.Dids is null || options.Dids.Count == 0)
        {
            throw new ArgumentException("At least one DID is required.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Copies, 1);
        var body = JsonBody.Create(w =>
        {
            JsonBody.WriteDids(w, "dids", options.Dids);
            w.WriteNumber("copies", options.Copies);
            w.WriteString("rse_expression", options.RseExpression);
            w.WriteString("weight", options.Weight);
            if (options.Lifetime is { } lifetime)
            {
                w.WriteNumber("lifetime", RucioDidsClient.Seconds(lifetime));
            }
            else
            {
                w.WriteNull("lifetime");
            }

            w.WriteString("grouping", RuleGroupingConverter.Instance.ToWireName(options.Grouping));
            w.WriteString("account", options.Account);
            w.WriteBoolean("locked", options.Locked);
            w.WriteString("source_replica_expression", options.SourceReplicaExpression);
            w.WriteString("activity", options.Activity);
            w.WriteString("notify", RuleNotificationConverter.ToCode(options.Notify));
            w.WriteBoolean("purge_replicas", options.PurgeReplicas);
            w.WriteBoolean("ignore_availability", options.IgnoreAvailability);
            w.WriteString("comment", options.Comment);
            w.WriteBoolean("ask_approval", options.AskApproval);
            w.WriteBoolean("asynchronous", options.Asynchronous);
            w.WriteNumber("priority", options.Priority);
            w.WritePropertyName("meta");
            if (options.Meta is null)
            {
                w.WriteNullValue();
            }
            else
            {
                JsonBody.WriteMap(w, options.Meta);
            }
        });
        return _pipeline.SendForJsonAsync(
            new RucioRequest(HttpMethod.Post, "rules/") { JsonBody = body },
            RucioJsonContext.Default.IReadOnlyListString,
            cancellationToken);
    }

    public Task<ReplicationRule> GetAsync(string ruleId, CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(new RucioRequest(HttpMethod.Get, RulePath(ruleId)), RucioJsonContext.Default.ReplicationRule, cancellationToken);

    /// <summary>GET /rules/ with filters as query parameters (state as its one-letter code).</summary>
    public IAsyncEnumerable<ReplicationRule> ListAsync(RuleFilter? filter = null, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, "rules/") { Query = FilterQuery(filter) },
            RucioPipeline.JsonLines(RucioJsonContext.Default.ReplicationRule),
            cancellationToken);

    public IAsyncEnumerable<ReplicationRule> ListForAccountAsync(string account, RuleFilter? filter = null, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"accounts/{RucioPipeline.Segment(account)}/rules") { Query = FilterQuery(filter) },
            RucioPipeline.JsonLines(RucioJsonContext.Default.ReplicationRule),
            cancellationToken);

    public IAsyncEnumerable<ReplicaLock> ListLocksAsync(string ruleId, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"{RulePath(ruleId)}/locks"),
            RucioPipeline.JsonLines(RucioJsonContext.Default.ReplicaLock),
            cancellationToken);

    /// <summary>GET /locks/{scope}/{name}?did_type=dataset (without the parameter Rucio 1.31 answers 500).</summary>
    public IAsyncEnumerable<DatasetLock> ListDatasetLocksAsync(Did did, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"locks/{RucioPipeline.Segment(did.Scope)}/{RucioPipeline.Segment(did.Name)}")
            {
                Query = new QueryBuilder().Add("did_type", "dataset"),
            },
            RucioPipeline.JsonLines(RucioJsonContext.Default.DatasetLock),
            cancellationToken);

    /// <summary>PUT /rules/{id} with <c>{"options": {...}}</c> holding only the properties that are set.</summary>
    public Task UpdateAsync(string ruleId, RuleUpdateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RemoveLifetime && options.Lifetime is not null)
        {
            throw new ArgumentException("Lifetime and RemoveLifetime cannot both be set.", nameof(options));
        }

        var written = 0;
        var body = JsonBody.Create(w =>
        {
            w.WriteStartObject("options");
            if (options.Lifetime is { } lifetime)
            {
                w.WriteNumber("lifetime", RucioDidsClient.Seconds(lifetime));
                written++;
            }
            else if (options.RemoveLifetime)
            {
                w.WriteNull("lifetime");
                written++;
            }

            written += WriteIfSet(w, "comment", options.Comment);
            written += WriteIfSet(w, "locked", options.Locked);
            written += WriteIfSet(w, "priority", options.Priority);
            written += WriteIfSet(w, "activity", options.Activity);
            written += WriteIfSet(w, "account", options.Account);
            written += WriteIfSet(w, "source_replica_expression", options.SourceReplicaExpression);
            written += WriteIfSet(w, "purge_replicas", options.PurgeReplicas);
            w.WriteEndObject();
        });
        if (written == 0)
        {
            throw new ArgumentException("No rule option to update was set.", nameof(options));
        }

        return _pipeline.SendWithoutResultAsync(new RucioRequest(HttpMethod.Put, RulePath(ruleId)) { JsonBody = body }, cancellationToken);
    }

    /// <summary>DELETE /rules/{id} with <c>{"purge_replicas": ...}</c>. Rucio deletes softly: the rule stays readable for a while.</summary>
    public Task DeleteAsync(string ruleId, bool purgeReplicas = false, CancellationToken cancellationToken = default) =>
        _pipeline.SendWithoutResultAsync(
            new RucioRequest(HttpMethod.Delete, RulePath(ruleId)) { JsonBody = JsonBody.Create(w => w.WriteBoolean("purge_replicas", purgeReplicas)) },
            cancellationToken);

    public Task<RuleAnalysis> AnalyzeAsync(string ruleId, CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(new RucioRequest(HttpMethod.Get, $"{RulePath(ruleId)}/analysis"), RucioJsonContext.Default.RuleAnalysis, cancellationToken);

    private static string RulePath(string ruleId) => $"rules/{RucioPipeline.Segment(ruleId)}";

    private static QueryBuilder FilterQuery(RuleFilter? filter)
    {
        var query = new QueryBuilder();
        if (filter is null)
        {
            return query;
        }

        query.Add("scope", filter.Scope)
            .Add("name", filter.Name)
            .Add("account", filter.Account)
            .Add("state", filter.State is { } state ? RuleStateConverter.ToCode(state) : null)
            .Add("rse_expression", filter.RseExpression)
            .Add("activity", filter.Activity);
        foreach (var (key, value) in filter.Additional ?? new Dictionary<string, string>())
        {
            query.Add(key, value);
        }

        return query;
    }

    private static int WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            return 0;
        }

        writer.WriteString(name, value);
        return 1;
    }

    private static int WriteIfSet(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is not { } set)
        {
            return 0;
        }

        writer.WriteBoolean(name, set);
        return 1;
    }

    private static int WriteIfSet(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is not { } set)
        {
            return 0;
        }

        writer.WriteNumber(name, set);
        return 1;
    }
}
