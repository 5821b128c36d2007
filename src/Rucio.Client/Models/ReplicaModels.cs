using System.Text.Json.Serialization;

namespace Rucio.Client;

/// <summary>A file and its replicas, one line of POST /replicas/list or GET /replicas/{scope}/{name}.</summary>
public sealed record Replica
{
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

    /// <summary>PFN → where and how it is served, in the server's preference order.</summary>
    [JsonPropertyName("pfns")]
    public IReadOnlyDictionary<string, PfnInfo> Pfns { get; init; } = new Dictionary<string, PfnInfo>();

    /// <summary>RSE → PFNs on that RSE.</summary>
    [JsonPropertyName("rses")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Rses { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>RSE → replica state; only AVAILABLE ones unless all states were requested.</summary>
    [JsonPropertyName("states")]
    public IReadOnlyDictionary<string, ReplicaState> States { get; init; } = new Dictionary<string, ReplicaState>();

    [JsonIgnore]
    public Did Did => new(Scope, Name);
}

/// <summary>Details of one PFN of a replica.</summary>
public sealed record PfnInfo
{
    [JsonPropertyName("rse_id")]
    public string? RseId { get; init; }

    [JsonPropertyName("rse")]
    public string Rse { get; init; } = "";

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("volatile")]
    public bool Volatile { get; init; }

    [JsonPropertyName("domain")]
    public string? Domain { get; init; }

    [JsonPropertyName("priority")]
    public int? Priority { get; init; }

    [JsonPropertyName("client_extract")]
    public bool ClientExtract { get; init; }
}

/// <summary>A dataset's presence on one RSE (GET /replicas/{scope}/{name}/datasets).</summary>
public sealed record DatasetReplica
{
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("rse")]
    public string Rse { get; init; } = "";

    [JsonPropertyName("rse_id")]
    public string? RseId { get; init; }

    [JsonPropertyName("bytes")]
    public long? Bytes { get; init; }

    [JsonPropertyName("length")]
    public long? Length { get; init; }

    [JsonPropertyName("available_bytes")]
    public long? AvailableBytes { get; init; }

    [JsonPropertyName("available_length")]
    public long? AvailableLength { get; init; }

    [JsonPropertyName("state")]
    public ReplicaState State { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }

    [JsonPropertyName("accessed_at")]
    public DateTimeOffset? AccessedAt { get; init; }
}

/// <summary>The client's location, used by the server to sort replicas.</summary>
public sealed record ClientLocation
{
    public string? Site { get; init; }

    /// <summary>Sent for completeness; Rucio overrides it with the connection's address.</summary>
    public string? Ip { get; init; }
}

/// <summary>Parameters of POST /replicas/list.</summary>
public sealed record ReplicaListRequest
{
    public required IReadOnlyList<Did> Dids { get; init; }

    /// <summary>Restrict to replicas on RSEs matching this expression (much cheaper than filtering client-side).</summary>
    public string? RseExpression { get; init; }

    /// <summary>Only PFNs of these protocol schemes (e.g. <c>root</c>, <c>davs</c>, <c>file</c>).</summary>
    public IReadOnlyList<string>? Schemes { get; init; }

    /// <summary>Include non-AVAILABLE replicas; their states appear in <see cref="Replica.States"/>.</summary>
    public bool AllStates { get; init; }

    public ClientLocation? ClientLocation { get; init; }

    /// <summary>Server-side PFN ordering, e.g. <c>geoip</c>, <c>closeness</c>, <c>random</c>.</summary>
    public string? Sort { get; init; }

    /// <summary>The network domain: <c>wan</c>, <c>lan</c> or <c>all</c>.</summary>
    public string? Domain { get; init; }

    /// <summary>Maximum number of PFNs per file (query parameter <c>limit</c>).</summary>
    public int? Limit { get; init; }
}

/// <summary>A file to register (POST /replicas) or to create while attaching (POST /dids/{s}/{n}/dids with an RSE).</summary>
public sealed record FileRegistration
{
    public FileRegistration(Did did, long bytes, string? adler32 = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Did = did;
        Bytes = bytes;
        Adler32 = adler32;
    }

    public Did Did { get; init; }

    public long Bytes { get; init; }

    public string? Adler32 { get; init; }

    public string? Md5 { get; init; }

    /// <summary>Only for non-deterministic RSEs, or equal to the lfn2pfn result on deterministic ones.</summary>
    public string? Pfn { get; init; }

    /// <summary>Metadata such as <c>events</c>; values must be strings, numbers, booleans or null.</summary>
    public IReadOnlyDictionary<string, object?>? Meta { get; init; }
}

/// <summary>A replica state change for PUT /replicas.</summary>
public sealed record ReplicaStateUpdate(Did Did, ReplicaState State);
