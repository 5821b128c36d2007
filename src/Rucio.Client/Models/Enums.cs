namespace Rucio.Client;

/// <summary>Kind of a data identifier. Rucio 1.31 spells it <c>DIDType.FILE</c>, later releases <c>FILE</c>: both are read.</summary>
public enum DidType
{
    /// <summary>A value this client does not know (e.g. ARCHIVE); kept so a listing does not fail on it.</summary>
    Unknown = 0,
    File,
    Dataset,
    Container,
}

/// <summary>The <c>type</c> parameter of the DID search.</summary>
public enum DidSearchType
{
    All,
    Collection,
    Dataset,
    Container,
    File,
}

/// <summary>State of a file replica on an RSE.</summary>
public enum ReplicaState
{
    Unknown = 0,
    Available,
    Unavailable,
    Copying,
    BeingDeleted,
    Bad,
    TemporaryUnavailable,
}

/// <summary>State of a replication rule.</summary>
public enum RuleState
{
    Unknown = 0,
    Replicating,
    Ok,
    Stuck,
    Suspended,
    WaitingApproval,
    Inject,
}

/// <summary>State of a replica lock (rule locks and dataset locks).</summary>
public enum LockState
{
    Unknown = 0,
    Replicating,
    Ok,
    Stuck,
}

/// <summary>How a rule groups the files of a collection onto RSEs.</summary>
public enum RuleGrouping
{
    All,
    Dataset,
    None,
}

/// <summary>Notification setting of a rule.</summary>
public enum RuleNotification
{
    No,
    Yes,
    Close,
    Progress,
}
