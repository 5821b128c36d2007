namespace Rucio.Sandbox.Rules;

/// <summary>The parameters of POST /rules/ (one rule per DID is created with them).</summary>
internal sealed record RuleOptions(
    string? Account,
    long Copies,
    string RseExpression,
    string Grouping = "DATASET",
    string? Weight = null,
    long? Lifetime = null,
    bool Locked = false,
    string? SourceReplicaExpression = null,
    string? Activity = null,
    string? Notify = null,
    bool PurgeReplicas = false,
    bool IgnoreAvailability = false,
    string? Comment = null,
    long Priority = 3,
    string? Meta = null,
    bool SplitContainer = false,
    string? SubscriptionId = null)
{
    public string Notification => Notify?.ToUpperInvariant() switch
    {
        "Y" or "YES" => "YES",
        "C" or "CLOSE" => "CLOSE",
        "P" or "PROGRESS" => "PROGRESS",
        _ => "NO",
    };
}

/// <summary>What evaluation needs to know about a stored rule.</summary>
internal sealed record RuleSpec(string Id, string Account, string Scope, string Name, string Grouping, long Copies, string RseExpression, bool IgnoreAvailability, string Activity, long Priority, long? Lifetime);
