using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rucio.Client;

/// <summary>Source-generated (reflection-free, trimming-safe) JSON metadata for every model the client reads.</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    Converters =
    [
        typeof(RucioDateConverter),
        typeof(DidTypeConverter),
        typeof(ReplicaStateConverter),
        typeof(RuleStateConverter),
        typeof(LockStateConverter),
        typeof(RuleGroupingConverter),
        typeof(RuleNotificationConverter),
    ])]
[JsonSerializable(typeof(RucioAccount))]
[JsonSerializable(typeof(AccountUsage))]
[JsonSerializable(typeof(AccountIdentity))]
[JsonSerializable(typeof(DidSearchResult))]
[JsonSerializable(typeof(DidDetails))]
[JsonSerializable(typeof(DidFile))]
[JsonSerializable(typeof(DidContent))]
[JsonSerializable(typeof(DidParent))]
[JsonSerializable(typeof(Replica))]
[JsonSerializable(typeof(DatasetReplica))]
[JsonSerializable(typeof(ReplicationRule))]
[JsonSerializable(typeof(ReplicaLock))]
[JsonSerializable(typeof(DatasetLock))]
[JsonSerializable(typeof(RuleAnalysis))]
[JsonSerializable(typeof(RseInfo))]
[JsonSerializable(typeof(RseSettings))]
[JsonSerializable(typeof(RseUsage))]
[JsonSerializable(typeof(IReadOnlyList<RseProtocol>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, long?>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
[JsonSerializable(typeof(PingResponse))]
[JsonSerializable(typeof(ServerError))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class RucioJsonContext : JsonSerializerContext;

/// <summary>GET /ping.</summary>
internal sealed record PingResponse
{
    [JsonPropertyName("version")]
    public string? Version { get; init; }
}

/// <summary>Rucio's JSON error body.</summary>
internal sealed record ServerError
{
    [JsonPropertyName("ExceptionClass")]
    public string? ExceptionClass { get; init; }

    [JsonPropertyName("ExceptionMessage")]
    public string? ExceptionMessage { get; init; }
}
