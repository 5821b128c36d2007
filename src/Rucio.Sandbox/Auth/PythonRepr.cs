using System.Globalization;
using System.Text;

namespace Rucio.Sandbox.Auth;

/// <summary>Python <c>repr</c> of the few values /auth/validate prints (it answers with <c>str(dict)</c>).</summary>
internal static class PythonRepr
{
    public static string Dict(IEnumerable<(string Key, object? Value)> items)
    {
        var builder = new StringBuilder("{");
        var first = true;
        foreach (var (key, value) in items)
        {
            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            builder.Append(Value(key)).Append(": ").Append(Value(value));
        }

        return builder.Append('}').ToString();
    }

    public static string Value(object? value) => value switch
    {
        null => "None",
        bool flag => flag ? "True" : "False",
        string text => Str(text),
        DateTimeOffset time => DateTime(time.UtcDateTime),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Str(value.ToString() ?? string.Empty),
    };

    public static string Str(string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder().Append(quote);
        foreach (var c in text)
        {
            if (c == '\\' || c == quote)
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append(quote).ToString();
    }

    /// <summary><c>datetime.datetime(2026, 11, 22, 19, 51, 31, 481759)</c>; trailing zero fields are omitted as Python does.</summary>
    private static string DateTime(System.DateTime time)
    {
        var microseconds = (int)(time.Ticks % TimeSpan.TicksPerSecond / 10);
        var parts = new List<int> { time.Year, time.Month, time.Day, time.Hour, time.Minute };
        if (time.Second != 0 || microseconds != 0)
        {
            parts.Add(time.Second);
        }

        if (microseconds != 0)
        {
            parts.Add(microseconds);
        }

        return "datetime.datetime(" + string.Join(", ", parts.Select(p => p.ToString(CultureInfo.InvariantCulture))) + ")";
    }
}
