using System.Text.Json;

namespace Rucio.DataLake.Core.Configuration;

/// <summary>A configuration value as written, with where it came from (for messages naming the source).</summary>
internal readonly record struct RawValue(JsonElement Value, string Origin)
{
    public const string FileOrigin = "configuration";
    public const string RemoteOrigin = "remote configuration";

    public static RawValue FromString(string text, string origin)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(text, CoreJsonContext.Default.String));
        return new RawValue(document.RootElement.Clone(), origin);
    }

    /// <summary>A short phrase for messages: "" for the configuration file, " (from RUCIO_X)" otherwise.</summary>
    public string OriginSuffix => Origin == FileOrigin ? "" : $" (from {Origin})";
}

/// <summary>
/// The keys of one instance before validation. Merging keeps the keys of the higher-priority source and fills in
/// only the keys it lacks from a lower one.
/// </summary>
internal sealed class RawInstance
{
    public RawInstance(IReadOnlyDictionary<string, RawValue> values)
    {
        Values = values;
    }

    public IReadOnlyDictionary<string, RawValue> Values { get; }

    /// <summary>The <c>name</c> when it is a non-empty string.</summary>
    public string? Name => GetString(ConfigKeys.Name);

    /// <summary>The <c>$url</c> when it is a non-empty string.</summary>
    public string? RemoteUrl => GetString(ConfigKeys.RemoteUrl);

    public string? GetString(string key) =>
        Values.TryGetValue(key, out var raw) && raw.Value.ValueKind == JsonValueKind.String
            && raw.Value.GetString() is { Length: > 0 } text
            ? text.Trim()
            : null;

    /// <summary>A copy whose missing keys are taken from <paramref name="lower"/> (except those in <paramref name="excluded"/>).</summary>
    public RawInstance FillFrom(RawInstance lower, IReadOnlySet<string>? excluded = null)
    {
        var merged = new Dictionary<string, RawValue>(Values, StringComparer.Ordinal);
        foreach (var (key, value) in lower.Values)
        {
            if (excluded?.Contains(key) != true)
            {
                merged.TryAdd(key, value);
            }
        }

        return new RawInstance(merged);
    }
}
