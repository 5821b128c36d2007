using System.Text.Json.Serialization;

namespace Rucio.Client;

/// <summary>A Rucio account (GET /accounts/{account}).</summary>
public sealed record RucioAccount
{
    [JsonPropertyName("account")]
    public string Account { get; init; } = "";

    [JsonPropertyName("account_type")]
    public string? AccountType { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("email")]
    public string? Email { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }

    [JsonPropertyName("suspended_at")]
    public DateTimeOffset? SuspendedAt { get; init; }

    [JsonPropertyName("deleted_at")]
    public DateTimeOffset? DeletedAt { get; init; }
}

/// <summary>An account's usage of one RSE against its local limit.</summary>
public sealed record AccountUsage
{
    [JsonPropertyName("rse_id")]
    public string? RseId { get; init; }

    [JsonPropertyName("rse")]
    public string Rse { get; init; } = "";

    [JsonPropertyName("bytes")]
    public long? Bytes { get; init; }

    [JsonPropertyName("files")]
    public long? Files { get; init; }

    /// <summary>Rucio may compute limits with Python floats, so this is read as a double.</summary>
    [JsonPropertyName("bytes_limit")]
    public double? BytesLimit { get; init; }

    [JsonPropertyName("bytes_remaining")]
    public double? BytesRemaining { get; init; }
}

/// <summary>An identity mapped to an account.</summary>
public sealed record AccountIdentity
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("identity")]
    public string Identity { get; init; } = "";

    [JsonPropertyName("email")]
    public string? Email { get; init; }
}
