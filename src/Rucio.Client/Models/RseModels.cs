using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rucio.Client;

/// <summary>An RSE as listed by GET /rses/. With an expression only <see cref="Rse"/> is filled.</summary>
public sealed record RseInfo
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("rse")]
    public string Rse { get; init; } = "";

    [JsonPropertyName("vo")]
    public string? Vo { get; init; }

    [JsonPropertyName("rse_type")]
    public string? RseType { get; init; }

    [JsonPropertyName("deterministic")]
    public bool? Deterministic { get; init; }

    [JsonPropertyName("volatile")]
    public bool? Volatile { get; init; }

    [JsonPropertyName("staging_area")]
    public bool? StagingArea { get; init; }

    [JsonPropertyName("city")]
    public string? City { get; init; }

    [JsonPropertyName("region_code")]
    public string? RegionCode { get; init; }

    [JsonPropertyName("country_name")]
    public string? CountryName { get; init; }

    [JsonPropertyName("continent")]
    public string? Continent { get; init; }

    [JsonPropertyName("time_zone")]
    public string? TimeZone { get; init; }

    [JsonPropertyName("ISP")]
    public string? Isp { get; init; }

    [JsonPropertyName("ASN")]
    public string? Asn { get; init; }

    [JsonPropertyName("longitude")]
    public double? Longitude { get; init; }

    [JsonPropertyName("latitude")]
    public double? Latitude { get; init; }

    [JsonPropertyName("availability")]
    public int? Availability { get; init; }

    [JsonPropertyName("availability_read")]
    public bool? AvailabilityRead { get; init; }

    [JsonPropertyName("availability_write")]
    public bool? AvailabilityWrite { get; init; }

    [JsonPropertyName("availability_delete")]
    public bool? AvailabilityDelete { get; init; }

    [JsonPropertyName("qos_class")]
    public string? QosClass { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }

    [JsonPropertyName("deleted")]
    public bool? Deleted { get; init; }

    [JsonPropertyName("deleted_at")]
    public DateTimeOffset? DeletedAt { get; init; }
}

/// <summary>The rse_settings form of GET /rses/{rse}, including protocols.</summary>
public sealed record RseSettings
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("rse")]
    public string Rse { get; init; } = "";

    [JsonPropertyName("rse_type")]
    public string? RseType { get; init; }

    [JsonPropertyName("deterministic")]
    public bool? Deterministic { get; init; }

    [JsonPropertyName("volatile")]
    public bool? Volatile { get; init; }

    [JsonPropertyName("staging_area")]
    public bool? StagingArea { get; init; }

    [JsonPropertyName("domain")]
    public IReadOnlyList<string>? Domain { get; init; }

    [JsonPropertyName("lfn2pfn_algorithm")]
    public string? Lfn2PfnAlgorithm { get; init; }

    [JsonPropertyName("protocols")]
    public IReadOnlyList<RseProtocol> Protocols { get; init; } = [];

    [JsonPropertyName("qos_class")]
    public string? QosClass { get; init; }

    [JsonPropertyName("sign_url")]
    public string? SignUrl { get; init; }

    [JsonPropertyName("verify_checksum")]
    public bool? VerifyChecksum { get; init; }

    [JsonPropertyName("credentials")]
    public JsonElement? Credentials { get; init; }

    [JsonPropertyName("availability")]
    public int? Availability { get; init; }

    [JsonPropertyName("availability_read")]
    public bool? AvailabilityRead { get; init; }

    [JsonPropertyName("availability_write")]
    public bool? AvailabilityWrite { get; init; }

    [JsonPropertyName("availability_delete")]
    public bool? AvailabilityDelete { get; init; }

    [JsonPropertyName("read_protocol")]
    public int? ReadProtocol { get; init; }

    [JsonPropertyName("write_protocol")]
    public int? WriteProtocol { get; init; }

    [JsonPropertyName("delete_protocol")]
    public int? DeleteProtocol { get; init; }

    [JsonPropertyName("third_party_copy_read_protocol")]
    public int? ThirdPartyCopyReadProtocol { get; init; }

    [JsonPropertyName("third_party_copy_write_protocol")]
    public int? ThirdPartyCopyWriteProtocol { get; init; }
}

/// <summary>A storage protocol of an RSE.</summary>
public sealed record RseProtocol
{
    [JsonPropertyName("scheme")]
    public string Scheme { get; init; } = "";

    [JsonPropertyName("hostname")]
    public string? Hostname { get; init; }

    [JsonPropertyName("port")]
    public int? Port { get; init; }

    [JsonPropertyName("prefix")]
    public string? Prefix { get; init; }

    [JsonPropertyName("impl")]
    public string? Impl { get; init; }

    /// <summary>Domain (<c>lan</c>/<c>wan</c>) → operation → priority (0 or null = not supported).</summary>
    [JsonPropertyName("domains")]
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int?>>? Domains { get; init; }

    [JsonPropertyName("extended_attributes")]
    public JsonElement? ExtendedAttributes { get; init; }
}

/// <summary>Usage of an RSE from one source (GET /rses/{rse}/usage).</summary>
public sealed record RseUsage
{
    [JsonPropertyName("rse_id")]
    public string? RseId { get; init; }

    [JsonPropertyName("rse")]
    public string? Rse { get; init; }

    [JsonPropertyName("source")]
    public string? Source { get; init; }

    [JsonPropertyName("used")]
    public long? Used { get; init; }

    [JsonPropertyName("free")]
    public long? Free { get; init; }

    [JsonPropertyName("total")]
    public long? Total { get; init; }

    [JsonPropertyName("files")]
    public long? Files { get; init; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }
}
