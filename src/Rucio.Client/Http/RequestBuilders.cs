using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Rucio.Client;

/// <summary>A query string with RFC 3986 escaping of keys and values.</summary>
internal sealed class QueryBuilder
{
    private readonly List<KeyValuePair<string, string>> _parameters = [];

    public bool IsEmpty => _parameters.Count == 0;

    /// <summary>Adds the parameter unless <paramref name="value"/> is null.</summary>
    public QueryBuilder Add(string key, string? value)
    {
        if (value is not null)
        {
            _parameters.Add(new(key, value));
        }

        return this;
    }

    public override string ToString() =>
        string.Join('&', _parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
}

/// <summary>Writes request bodies with <see cref="Utf8JsonWriter"/>: explicit key names and order, no reflection.</summary>
internal static class JsonBody
{
    public static byte[] Create(Action<Utf8JsonWriter> writeObjectMembers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeObjectMembers(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteDid(Utf8JsonWriter writer, Did did)
    {
        writer.WriteStartObject();
        writer.WriteString("scope", did.Scope);
        writer.WriteString("name", did.Name);
        writer.WriteEndObject();
    }

    public static void WriteDids(Utf8JsonWriter writer, string propertyName, IEnumerable<Did> dids)
    {
        writer.WriteStartArray(propertyName);
        foreach (var did in dids)
        {
            WriteDid(writer, did);
        }

        writer.WriteEndArray();
    }

    public static void WriteFile(Utf8JsonWriter writer, FileRegistration file)
    {
        writer.WriteStartObject();
        writer.WriteString("scope", file.Did.Scope);
        writer.WriteString("name", file.Did.Name);
        writer.WriteNumber("bytes", file.Bytes);
        WriteOptionalString(writer, "adler32", file.Adler32);
        WriteOptionalString(writer, "md5", file.Md5);
        WriteOptionalString(writer, "pfn", file.Pfn);
        if (file.Meta is not null)
        {
            writer.WritePropertyName("meta");
            WriteMap(writer, file.Meta);
        }

        writer.WriteEndObject();
    }

    public static void WriteOptionalString(Utf8JsonWriter writer, string propertyName, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(propertyName, value);
        }
    }

    public static void WriteMap(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> values)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in values)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a metadata value: null, string, boolean, number, date or a <see cref="JsonElement"/>.</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int or long or short or byte or sbyte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case double or float:
                writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case DateTimeOffset d:
                writer.WriteStringValue(RucioDate.Format(d));
                break;
            case DateTime d:
                writer.WriteStringValue(RucioDate.Format(new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc))));
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            default:
                throw new ArgumentException($"Unsupported metadata value type {value.GetType().Name}.", nameof(value));
        }
    }
}

/// <summary>
/// Renders DID search filters the way Rucio's Python client does (<c>str(list_of_dicts)</c>), e.g.
/// <c>[{'name': 'file*', 'bytes.gte': 2000}]</c>; the server reads it with <c>ast.literal_eval</c>.
/// </summary>
internal static class PythonLiteral
{
    public static string RenderFilters(IReadOnlyList<IReadOnlyDictionary<string, DidFilter>> groups, string? namePattern)
    {
        var builder = new StringBuilder("[");
        for (var g = 0; g < groups.Count; g++)
        {
            if (g > 0)
            {
                builder.Append(", ");
            }

            builder.Append('{');
            var first = true;

            // Rucio ignores the "name" query parameter once "filters" is present, so the pattern moves in here.
            if (namePattern is not null && !groups[g].ContainsKey("name"))
            {
                AppendString(builder, "name");
                builder.Append(": ");
                AppendString(builder, namePattern);
                first = false;
            }

            foreach (var (key, filter) in groups[g])
            {
                if (!first)
                {
                    builder.Append(", ");
                }

                first = false;
                AppendString(builder, key + Suffix(filter.Operator));
                builder.Append(": ");
                AppendValue(builder, filter.Value);
            }

            builder.Append('}');
        }

        return builder.Append(']').ToString();
    }

    private static string Suffix(DidFilterOperator op) => op switch
    {
        DidFilterOperator.Equal => "",
        DidFilterOperator.NotEqual => ".ne",
        DidFilterOperator.GreaterThan => ".gt",
        DidFilterOperator.GreaterThanOrEqual => ".gte",
        DidFilterOperator.LessThan => ".lt",
        DidFilterOperator.LessThanOrEqual => ".lte",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    private static void AppendValue(StringBuilder builder, object value)
    {
        switch (value)
        {
            case string s:
                AppendString(builder, s);
                break;
            case bool b:
                builder.Append(b ? "True" : "False");
                break;
            case double or float or decimal:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(number))
                {
                    throw new ArgumentException("Filter values must be finite numbers.", nameof(value));
                }

                builder.Append(number.ToString("R", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset d:
                AppendString(builder, RucioDate.Format(d));
                break;
            case DateTime d:
                AppendString(builder, RucioDate.Format(new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc))));
                break;
            case IFormattable integer:
                builder.Append(integer.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                throw new ArgumentException($"Unsupported filter value type {value.GetType().Name}.", nameof(value));
        }
    }

    /// <summary>A single-quoted Python string literal.</summary>
    internal static void AppendString(StringBuilder builder, string value)
    {
        builder.Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    builder.Append(@"\\");
                    break;
                case '\'':
                    builder.Append(@"\'");
                    break;
                case '\n':
                    builder.Append(@"\n");
                    break;
                case '\r':
                    builder.Append(@"\r");
                    break;
                case '\t':
                    builder.Append(@"\t");
                    break;
                case < ' ' or '\x7f':
                    builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('\'');
    }
}
