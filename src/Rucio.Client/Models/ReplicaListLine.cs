using System.Text.Json.Serialization;

namespace Rucio.Client;

/// <summary>
/// A line of POST /replicas/list read without its <c>pfns</c> object (see <see cref="ReplicaListRequest.SkipPfnDetails"/>):
/// the reader skips the property instead of building a dictionary of <see cref="PfnInfo"/> per file.
/// </summary>
internal sealed record ReplicaListLine
{
    private static readonly IReadOnlyDictionary<string, PfnInfo> NoPfns = System.Collections.ObjectModel.ReadOnlyDictionary<string, PfnInfo>.Empty;

    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("bytes")]
    public long? Bytes { get; init; }

    [JsonPropertyName("md5")]
    public string? Md5 { get; init; }

    [JsonPropertyName("adler32")]
    public string? Adler32 { get; init; }

    [JsonPropertyName("rses")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Rses { get; init; }

    [JsonPropertyName("states")]
    public IReadOnlyDictionary<string, ReplicaState>? States { get; init; }

    public Replica ToReplica() => new()
    {
        Scope = Scope,
        Name = Name,
        Bytes = Bytes,
        Md5 = Md5,
        Adler32 = Adler32,
        Pfns = NoPfns,
        Rses = Rses ?? new Dictionary<string, IReadOnlyList<string>>(),
        States = States ?? new Dictionary<string, ReplicaState>(),
    };
}
