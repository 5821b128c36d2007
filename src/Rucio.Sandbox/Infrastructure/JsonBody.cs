using System.Globalization;
using System.Text.Json;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>
/// A request's JSON parameters, read like Rucio's <c>json_parameters()</c>/<c>param_get()</c>: an undecodable body
/// is 400 ValueError and a missing required key is 400 KeyError "'key' not defined".
/// </summary>
internal sealed class JsonBody
{
    private readonly JsonElement _root;

    private JsonBody(JsonElement root) => _root = root;

    public JsonElement Root => _root;

    public static async Task<JsonBody> ReadAsync(HttpRequest request, bool allowEmpty = false)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return allowEmpty ? new JsonBody(JsonDocument.Parse("{}").RootElement.Clone()) : throw DecodeError();
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new JsonBody(document.RootElement.Clone())
                : throw DecodeError();
        }
        catch (JsonException)
        {
            throw DecodeError();
        }
    }

    public bool Has(string key) => _root.TryGetProperty(key, out _);

    public JsonElement Required(string key)
        => _root.TryGetProperty(key, out var value) ? value : throw RucioException.KeyError(key);

    public JsonElement? Optional(string key)
        => _root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string? String(string key) => Optional(key) is { } value ? AsString(value) : null;

    public long? Long(string key) => Optional(key) is { } value ? AsLong(value, key) : null;

    public bool? Bool(string key) => Optional(key) is { } value ? AsBool(value) : null;

    public static string? AsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        _ => value.GetRawText(),
    };

    public static long AsLong(JsonElement value, string key)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var real) && real == Math.Floor(real))
        {
            return (long)real;
        }

        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw RucioException.InvalidObject($"Provided value for '{key}' is not an integer: {value.GetRawText()}");
    }

    public static bool AsBool(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.GetDouble() != 0,
        JsonValueKind.String => value.GetString() is { } s && (s.Equals("true", StringComparison.OrdinalIgnoreCase) || s == "1"),
        _ => false,
    };

    /// <summary>Converts a JSON value to the CLR value PyJson writes back (string, long, double, bool, null).</summary>
    public static object? ToPlain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number => value.TryGetInt64(out var number) ? number : value.GetDouble(),
        _ => value.GetRawText(),
    };

    private static RucioException DecodeError() => RucioException.ValueError("cannot decode json parameter dictionary");
}
