using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rucio.Client;

/// <summary>
/// Reads Rucio enum strings case-insensitively, ignoring a Python enum prefix ("DIDType.FILE") and accepting
/// single-letter database codes ("A"). Unknown values map to a fallback when the enum has one, so that a newer
/// server does not break listings.
/// </summary>
internal abstract class RucioEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private readonly Dictionary<string, TEnum> _byWireName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<TEnum, string> _wireNames = [];
    private readonly TEnum? _fallback;

    protected RucioEnumConverter(TEnum? fallback, params (string WireName, string? Code, TEnum Value)[] mapping)
    {
        _fallback = fallback;
        foreach (var (wireName, code, value) in mapping)
        {
            _byWireName[wireName] = value;
            _wireNames.TryAdd(value, wireName);
            if (code is not null)
            {
                _byWireName[code] = value;
            }
        }
    }

    public bool TryParse(string? text, out TEnum value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var dot = text.LastIndexOf('.');
        var bare = dot >= 0 ? text[(dot + 1)..] : text;
        return _byWireName.TryGetValue(bare.Trim(), out value);
    }

    public string ToWireName(TEnum value) =>
        _wireNames.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, null);

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string for {typeof(TEnum).Name}, got {reader.TokenType}.");
        }

        var text = reader.GetString();
        if (TryParse(text, out var value))
        {
            return value;
        }

        return _fallback ?? throw new JsonException($"Unknown {typeof(TEnum).Name} value '{text}'.");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToWireName(value));
}

internal sealed class DidTypeConverter() : RucioEnumConverter<DidType>(
    DidType.Unknown,
    ("FILE", "F", DidType.File),
    ("DATASET", "D", DidType.Dataset),
    ("CONTAINER", "C", DidType.Container),
    ("UNKNOWN", null, DidType.Unknown))
{
    public static readonly DidTypeConverter Instance = new();
}

internal sealed class ReplicaStateConverter() : RucioEnumConverter<ReplicaState>(
    ReplicaState.Unknown,
    ("AVAILABLE", "A", ReplicaState.Available),
    ("UNAVAILABLE", "U", ReplicaState.Unavailable),
    ("COPYING", "C", ReplicaState.Copying),
    ("BEING_DELETED", "B", ReplicaState.BeingDeleted),
    ("BAD", "D", ReplicaState.Bad),
    ("TEMPORARY_UNAVAILABLE", "T", ReplicaState.TemporaryUnavailable),
    ("UNKNOWN", null, ReplicaState.Unknown))
{
    public static readonly ReplicaStateConverter Instance = new();

    /// <summary>The one-letter code PUT /replicas expects (Rucio builds its enum from the value).</summary>
    public static string ToCode(ReplicaState state) => state switch
    {
        ReplicaState.Available => "A",
        ReplicaState.Unavailable => "U",
        ReplicaState.Copying => "C",
        ReplicaState.BeingDeleted => "B",
        ReplicaState.Bad => "D",
        ReplicaState.TemporaryUnavailable => "T",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Cannot send an unknown replica state."),
    };
}

internal sealed class RuleStateConverter() : RucioEnumConverter<RuleState>(
    RuleState.Unknown,
    ("REPLICATING", "R", RuleState.Replicating),
    ("OK", "O", RuleState.Ok),
    ("STUCK", "S", RuleState.Stuck),
    ("SUSPENDED", "U", RuleState.Suspended),
    ("WAITING_APPROVAL", "W", RuleState.WaitingApproval),
    ("INJECT", "I", RuleState.Inject),
    ("UNKNOWN", null, RuleState.Unknown))
{
    public static readonly RuleStateConverter Instance = new();

    /// <summary>The one-letter code the rule listing filters on (e.g. <c>state=R</c>).</summary>
    public static string ToCode(RuleState state) => state switch
    {
        RuleState.Replicating => "R",
        RuleState.Ok => "O",
        RuleState.Stuck => "S",
        RuleState.Suspended => "U",
        RuleState.WaitingApproval => "W",
        RuleState.Inject => "I",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Cannot filter on an unknown rule state."),
    };
}

internal sealed class LockStateConverter() : RucioEnumConverter<LockState>(
    LockState.Unknown,
    ("REPLICATING", "R", LockState.Replicating),
    ("OK", "O", LockState.Ok),
    ("STUCK", "S", LockState.Stuck),
    ("UNKNOWN", null, LockState.Unknown))
{
}

internal sealed class RuleGroupingConverter() : RucioEnumConverter<RuleGrouping>(
    null,
    ("ALL", "A", RuleGrouping.All),
    ("DATASET", "D", RuleGrouping.Dataset),
    ("NONE", "N", RuleGrouping.None))
{
    public static readonly RuleGroupingConverter Instance = new();
}

internal sealed class RuleNotificationConverter() : RucioEnumConverter<RuleNotification>(
    RuleNotification.No,
    ("NO", "N", RuleNotification.No),
    ("YES", "Y", RuleNotification.Yes),
    ("CLOSE", "C", RuleNotification.Close),
    ("PROGRESS", "P", RuleNotification.Progress))
{
    /// <summary>The one-letter code POST /rules/ expects in <c>notify</c>.</summary>
    public static string ToCode(RuleNotification value) => value switch
    {
        RuleNotification.Yes => "Y",
        RuleNotification.Close => "C",
        RuleNotification.Progress => "P",
        _ => "N",
    };
}
