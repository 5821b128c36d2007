using System.Globalization;
using System.Text;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>
/// Writes JSON the way the Rucio server does. Two dialects exist on the wire: Python's <c>json.dumps</c>
/// (separators ", " and ": ", ASCII only, used for most bodies and every NDJSON line) and Flask's <c>jsonify</c>
/// (compact, keys sorted, trailing newline; used by a handful of endpoints such as /ping and /scopes/).
/// </summary>
internal static class PyJson
{
    public static string Dumps(object? value)
    {
        var builder = new StringBuilder(256);
        Write(builder, value, compact: false, sortKeys: false);
        return builder.ToString();
    }

    /// <summary>Flask <c>jsonify</c>: compact, sorted keys, newline at the end.</summary>
    public static string Jsonify(object? value)
    {
        var builder = new StringBuilder(256);
        Write(builder, value, compact: true, sortKeys: true);
        builder.Append('\n');
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value, bool compact, bool sortKeys)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case bool flag:
                builder.Append(flag ? "true" : "false");
                break;
            case string text:
                WriteString(builder, text);
                break;
            case int or long or short or byte or uint or ulong:
                builder.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case double number:
                builder.Append(FormatDouble(number));
                break;
            case float number:
                builder.Append(FormatDouble(number));
                break;
            case decimal number:
                builder.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case PyDict dict:
                WriteObject(builder, dict, compact, sortKeys);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                WriteObject(builder, pairs, compact, sortKeys);
                break;
            case System.Collections.IEnumerable sequence:
                WriteArray(builder, sequence, compact, sortKeys);
                break;
            default:
                throw new InvalidOperationException($"Cannot serialise {value.GetType().Name} as JSON.");
        }
    }

    private static void WriteObject(StringBuilder builder, IEnumerable<KeyValuePair<string, object?>> pairs, bool compact, bool sortKeys)
    {
        builder.Append('{');
        var first = true;
        var ordered = sortKeys ? pairs.OrderBy(pair => pair.Key, StringComparer.Ordinal) : pairs;
        foreach (var (key, item) in ordered)
        {
            if (!first)
            {
                builder.Append(compact ? "," : ", ");
            }

            first = false;
            WriteString(builder, key);
            builder.Append(compact ? ":" : ": ");
            Write(builder, item, compact, sortKeys);
        }

        builder.Append('}');
    }

    private static void WriteArray(StringBuilder builder, System.Collections.IEnumerable sequence, bool compact, bool sortKeys)
    {
        builder.Append('[');
        var first = true;
        foreach (var item in sequence)
        {
            if (!first)
            {
                builder.Append(compact ? "," : ", ");
            }

            first = false;
            Write(builder, item, compact, sortKeys);
        }

        builder.Append(']');
    }

    /// <summary>Python's float repr: shortest round-trip form, always with a decimal point or exponent.</summary>
    private static string FormatDouble(double number)
    {
        if (double.IsNaN(number))
        {
            return "NaN";
        }

        if (double.IsInfinity(number))
        {
            return number > 0 ? "Infinity" : "-Infinity";
        }

        var text = number.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text.Replace("E", "e", StringComparison.Ordinal) : text + ".0";
    }

    /// <summary>json.dumps default (ensure_ascii=True): everything outside printable ASCII is \u-escaped.</summary>
    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
