using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rucio.Client;

/// <summary>
/// Parses the date spellings Rucio uses: RFC 1123 with a "UTC" zone (<c>Sun, 22 Nov 2026 18:52:57 UTC</c>) in
/// rules, RSEs and auth headers, and zone-less ISO 8601 (<c>2026-11-22T18:50:34</c>) in accounts. Both are UTC.
/// </summary>
internal static class RucioDate
{
    private static readonly string[] Rfc1123Formats =
    [
        "ddd, dd MMM yyyy HH:mm:ss 'UTC'",
        "ddd, d MMM yyyy HH:mm:ss 'UTC'",
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
        "ddd, d MMM yyyy HH:mm:ss 'GMT'",
        "dd MMM yyyy HH:mm:ss 'UTC'",
    ];

    private const DateTimeStyles UtcStyles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (DateTimeOffset.TryParseExact(trimmed, Rfc1123Formats, CultureInfo.InvariantCulture, UtcStyles, out value))
        {
            return true;
        }

        // ISO 8601 with or without fraction and zone; a missing zone means UTC on Rucio.
        if (trimmed.Length >= 10 && char.IsAsciiDigit(trimmed[0])
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, UtcStyles, out value))
        {
            return true;
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, UtcStyles, out value);
    }

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}

/// <summary>JSON converter for Rucio dates (see <see cref="RucioDate"/>); also accepts Unix seconds.</summary>
internal sealed class RucioDateConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(reader.GetDouble() * 1000));
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a date string, got {reader.TokenType}.");
        }

        var text = reader.GetString();
        return RucioDate.TryParse(text, out var value) ? value : throw new JsonException($"Unrecognised date '{text}'.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(RucioDate.Format(value));
}
