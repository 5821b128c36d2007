using System.Text.Json.Serialization;

namespace Rucio.Client;

/// <summary>One line of the DID search. Without <c>long</c> only <see cref="Scope"/> and <see cref="Name"/> are known.</summary>
public sealed record DidSearchResult
{
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("did_type")]
    public DidType? Type { get; init; }

    [JsonPropertyName("bytes")]
    public long? Bytes { get; init; }

    [JsonPropertyName("length")]
    public long? Length { get; init; }

    [JsonIgnore]
    public Did Did => new(Scope, Name);
}

/// <summary>A DID as returned by GET /dids/{scope}/{name}.</summary>
public sealed record DidDetails
{
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("type")]
    public DidType Type { get; init; }

    [JsonPropertyName("account")]
    public string? Account { get; init; }

    [JsonPropertyName("open")]
    public bool? Open { get; init; }

    [JsonPropertyName("monotonic")]
    public bool? Monotonic { get; init; }

    [JsonPropertyName("expired_at")]
    public DateTimeOffset? ExpiredAt { get; init; }

    [JsonPropertyName("length")]
    public long? Length { get; init; }

    [JsonPropertyName("bytes")]
    public long? Bytes { get; init; }

    [JsonPropertyName("md5")]
    public string? Md5 { get; init; }

    [JsonPropertyName("adler32")]
    public string? Adler32 { get; init; }

    [JsonIgnore]
    public Did Did => new(Scope, Name);
}

/// <summary>A file of a collection (GET /dids/{scope}/{name}/files), recursing through containers.</summary>
public sealed record DidFile
{
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("bytes")]
    public long? Bytes { get; init; }

    [JsonPropertyName("adler32")]
    public string? Adler32 { get; init; }

    [JsonPropertyName("md5")]
    public string? Md5 { get; init; }

    [JsonPropertyName("guid")]
    public string? Guid { get; init; }

    [JsonPropertyName("events")]
    public long? Events { get; init; }

    /// <summary>Only present with <c>long=1</c>.</summary>
    [JsonPropertyName("lumiblocknr")]
    public long? LumiBlockNumber { get; init; }

    [JsonIgnore]
    public Did Did => new(Scope, Name);
}

/// <summary>A direct child of a collection (GET /dids/{scope}/{name}/dids).</summary>
public sealed record DidContent
{
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("type")]
    public DidType Type { get; init; }

    [JsonPropertyName("bytes")]
    public long? Bytes { get; init; }

    [JsonPropertyName("adler32")]
    public string? Adler32 { get; init; }

    [JsonPropertyName("md5")]
    public string? Md5 { get; init; }

    [JsonIgnore]
    public Did Did => new(Scope, Name);
}

/// <summary>A collection containing a DID (GET /dids/{scope}/{name}/parents).</summary>
public sealed record DidParent
{
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("type")]
    public DidType Type { get; init; }

    [JsonIgnore]
    public Did Did => new(Scope, Name);
}
