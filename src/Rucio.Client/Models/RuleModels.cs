using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rucio.Client;

/// <summary>A replication rule (GET /rules/{id} and every rule listing).</summary>
public sealed record ReplicationRule
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    [JsonPropertyName("subscription_id")]
    public string? SubscriptionId { get; init; }

    [JsonPropertyName("account")]
    public string? Account { get; init; }

    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("did_type")]
    public DidType? DidType { get; init; }

    [JsonPropertyName("state")]
    public RuleState State { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("rse_expression")]
    public string? RseExpression { get; init; }

    [JsonPropertyName("copies")]
    public int Copies { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }

    [JsonPropertyName("weight")]
    public string? Weight { get; init; }

    [JsonPropertyName("locked")]
    public bool Locked { get; init; }

    [JsonPropertyName("locks_ok_cnt")]
    public long LocksOkCount { get; init; }

    [JsonPropertyName("locks_replicating_cnt")]
    public long LocksReplicatingCount { get; init; }

    [JsonPropertyName("locks_stuck_cnt")]
    public long LocksStuckCount { get; init; }

    [JsonPropertyName("source_replica_expression")]
    public string? SourceReplicaExpression { get; init; }

    [JsonPropertyName("activity")]
    public string? Activity { get; init; }

    [JsonPropertyName("grouping")]
    public RuleGrouping? Grouping { get; init; }

    [JsonPropertyName("notification")]
    public RuleNotification? Notification { get; init; }

    [JsonPropertyName("stuck_at")]
    public DateTimeOffset? StuckAt { get; init; }

    [JsonPropertyName("purge_replicas")]
    public bool PurgeReplicas { get; init; }

    [JsonPropertyName("ignore_availability")]
    public bool IgnoreAvailability { get; init; }

    [JsonPropertyName("ignore_account_limit")]
    public bool IgnoreAccountLimit { get; init; }

    [JsonPropertyName("priority")]
    public int? Priority { get; init; }

    [JsonPropertyName("comments")]
    public string? Comments { get; init; }

    [JsonPropertyName("child_rule_id")]
    public string? ChildRuleId { get; init; }

    [JsonPropertyName("eol_at")]
    public DateTimeOffset? EolAt { get; init; }

    [JsonPropertyName("split_container")]
    public bool SplitContainer { get; init; }

    /// <summary>Free-form rule metadata as stored by the server (often null or a JSON string).</summary>
    [JsonPropertyName("meta")]
    public JsonElement? Meta { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }

    [JsonIgnore]
    public Did Did => new(Scope, Name);
}

/// <summary>A file lock of a rule (GET /rules/{id}/locks).</summary>
public sealed record ReplicaLock
{
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("rse_id")]
    public string? RseId { get; init; }

    [JsonPropertyName("rse")]
    public string Rse { get; init; } = "";

    [JsonPropertyName("state")]
    public LockState State { get; init; }

    [JsonPropertyName("rule_id")]
    public string RuleId { get; init; } = "";
}

/// <summary>A dataset lock (GET /locks/{scope}/{name}?did_type=dataset).</summary>
public sealed record DatasetLock
{
    [JsonPropertyName("rse_id")]
    public string? RseId { get; init; }

    [JsonPropertyName("rse")]
    public string Rse { get; init; } = "";

    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("rule_id")]
    public string RuleId { get; init; } = "";

    [JsonPropertyName("account")]
    public string? Account { get; init; }

    [JsonPropertyName("state")]
    public LockState State { get; init; }

    [JsonPropertyName("length")]
    public long? Length { get; init; }

    [JsonPropertyName("bytes")]
    public long? Bytes { get; init; }

    [JsonPropertyName("accessed_at")]
    public DateTimeOffset? AccessedAt { get; init; }
}

/// <summary>GET /rules/{id}/analysis.</summary>
public sealed record RuleAnalysis
{
    [JsonPropertyName("rule_error")]
    public string? RuleError { get; init; }

    [JsonPropertyName("transfers")]
    public IReadOnlyList<JsonElement> Transfers { get; init; } = [];
}

/// <summary>Parameters of POST /rules/. Nulls are sent as JSON null, as Rucio's own client does.</summary>
public sealed record RuleCreateOptions
{
    public required IReadOnlyList<Did> Dids { get; init; }

    public int Copies { get; init; } = 1;

    public required string RseExpression { get; init; }

    /// <summary>Null means the token's account.</summary>
    public string? Account { get; init; }

    public RuleGrouping Grouping { get; init; } = RuleGrouping.Dataset;

    /// <summary>Sent as whole seconds; null means no expiry.</summary>
    public TimeSpan? Lifetime { get; init; }

    public string? Weight { get; init; }

    public bool Locked { get; init; }

    public string? SourceReplicaExpression { get; init; }

    public string? Activity { get; init; }

    public RuleNotification Notify { get; init; } = RuleNotification.No;

    public bool PurgeReplicas { get; init; }

    public bool IgnoreAvailability { get; init; }

    public string? Comment { get; init; }

    public bool AskApproval { get; init; }

    public bool Asynchronous { get; init; }

    public int Priority { get; init; } = 3;

    /// <summary>Values must be strings, numbers, booleans or null.</summary>
    public IReadOnlyDictionary<string, object?>? Meta { get; init; }
}

/// <summary>Changes for PUT /rules/{id}; only the properties that are set are sent.</summary>
public sealed record RuleUpdateOptions
{
    /// <summary>New lifetime counted from now (whole seconds).</summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>Make the rule permanent (sends <c>"lifetime": null</c>). Cannot be combined with <see cref="Lifetime"/>.</summary>
    public bool RemoveLifetime { get; init; }

    public string? Comment { get; init; }

    public bool? Locked { get; init; }

    public int? Priority { get; init; }

    public string? Activity { get; init; }

    public string? Account { get; init; }

    public string? SourceReplicaExpression { get; init; }

    public bool? PurgeReplicas { get; init; }
}

/// <summary>Filters of the rule listings (GET /rules/ and GET /accounts/{account}/rules).</summary>
public sealed record RuleFilter
{
    public string? Scope { get; init; }

    public string? Name { get; init; }

    public string? Account { get; init; }

    public RuleState? State { get; init; }

    public string? RseExpression { get; init; }

    public string? Activity { get; init; }

    /// <summary>Any further rule column Rucio filters on, sent verbatim as query parameters.</summary>
    public IReadOnlyDictionary<string, string>? Additional { get; init; }
}
