namespace Rucio.Client;

/// <summary>
/// A file of GET /dids/{scope}/{name}/files reduced to its scope, name and size, as
/// <see cref="RucioDidsClient.ListFileEntriesAsync"/> reads it. Nothing else of the line is materialised, which for
/// collections of 100k files saves most of the parsing and garbage of <see cref="DidFile"/>.
/// </summary>
public readonly record struct DidFileEntry(string Scope, string Name, long? Bytes)
{
    public Did Did => new(Scope, Name);
}

/// <summary>
/// A file of POST /replicas/list as seen on one RSE, as <see cref="RucioReplicasClient.ListOnRseAsync"/> reads it:
/// its replica state there (null when the line names none) and the first PFN listed for that RSE (null when none).
/// </summary>
public readonly record struct RseReplica(string Scope, string Name, ReplicaState? State, string? Pfn)
{
    public Did Did => new(Scope, Name);
}
