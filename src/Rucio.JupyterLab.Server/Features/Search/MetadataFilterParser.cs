using System.Globalization;
using System.Text.RegularExpressions;
using Rucio.Client;

namespace Rucio.JupyterLab.Server.Features.Search;

/// <summary>
/// Parses the panel's metadata filter text into Rucio search filters. Conditions are <c>key op value</c> (or the
/// range form <c>v1 op key op v2</c>), joined by <c>,</c> (AND) or <c>;</c> (OR). Operators: <c>= == ≠ != &lt; &gt;
/// ≤ &lt;= ≥ &gt;=</c>. A key may appear only once per AND group, as in the existing extension.
/// </summary>
internal static partial class MetadataFilterParser
{
    private const string Operator = @"(?:<=|>=|==|!=|=|<|>|≤|≥|≠)";

    /// <exception cref="FormatException">The text is malformed; the message says where.</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, DidFilter>> Parse(string text)
    {
        var groups = new List<IReadOnlyDictionary<string, DidFilter>>();
        foreach (var groupText in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var group = new Dictionary<string, DidFilter>(StringComparer.Ordinal);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var condition in groupText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                AddCondition(group, keys, condition);
            }

            if (group.Count > 0)
            {
                groups.Add(group);
            }
        }

        return groups;
    }

    private static void AddCondition(Dictionary<string, DidFilter> group, HashSet<string> keys, string condition)
    {
        var match = ConditionPattern().Match(condition);
        if (!match.Success)
        {
            throw new FormatException($"Cannot read the filter condition \"{condition}\"; write it as key = value (operators = ≠ < > ≤ ≥).");
        }

        var first = match.Groups["a"].Value;
        var second = match.Groups["b"].Value;
        var firstOperator = ParseOperator(match.Groups["op1"].Value);
        if (!match.Groups["op2"].Success)
        {
            var single = ClaimKey(keys, RequireKey(first, condition));
            group[single] = new DidFilter(firstOperator, ParseValue(second));
            return;
        }

        // Range form "v1 op key op v2": the key is in the middle and the first comparison is read backwards.
        var secondOperator = ParseOperator(match.Groups["op2"].Value);
        if (firstOperator is DidFilterOperator.Equal or DidFilterOperator.NotEqual
            || secondOperator is DidFilterOperator.Equal or DidFilterOperator.NotEqual)
        {
            throw new FormatException($"The range \"{condition}\" must use < > ≤ ≥ on both sides.");
        }

        var key = ClaimKey(keys, RequireKey(second, condition));
        group[key] = new DidFilter(Mirror(firstOperator), ParseValue(first));
        var upper = new DidFilter(secondOperator, ParseValue(match.Groups["c"].Value));

        // Rucio's filter keys carry the operator as a suffix ("bytes.lt"), so the second bound is its own key.
        group[key + Suffix(upper.Operator)] = DidFilter.Equal(upper.Value);
    }

    private static string ClaimKey(HashSet<string> keys, string key) =>
        keys.Add(key)
            ? key
            : throw new FormatException($"The key \"{key}\" appears more than once in the same AND group; use a range (v1 < {key} < v2) instead.");

    private static string RequireKey(string text, string condition) =>
        KeyPattern().IsMatch(text)
            ? text
            : throw new FormatException($"\"{text}\" in \"{condition}\" is not a metadata key (letters, digits and _).");

    private static DidFilterOperator ParseOperator(string text) => text switch
    {
        "=" or "==" => DidFilterOperator.Equal,
        "!=" or "≠" => DidFilterOperator.NotEqual,
        "<" => DidFilterOperator.LessThan,
        ">" => DidFilterOperator.GreaterThan,
        "<=" or "≤" => DidFilterOperator.LessThanOrEqual,
        ">=" or "≥" => DidFilterOperator.GreaterThanOrEqual,
        _ => throw new FormatException($"Unknown operator \"{text}\"."),
    };

    private static DidFilterOperator Mirror(DidFilterOperator op) => op switch
    {
        DidFilterOperator.LessThan => DidFilterOperator.GreaterThan,
        DidFilterOperator.GreaterThan => DidFilterOperator.LessThan,
        DidFilterOperator.LessThanOrEqual => DidFilterOperator.GreaterThanOrEqual,
        DidFilterOperator.GreaterThanOrEqual => DidFilterOperator.LessThanOrEqual,
        _ => op,
    };

    private static string Suffix(DidFilterOperator op) => op switch
    {
        DidFilterOperator.NotEqual => ".ne",
        DidFilterOperator.GreaterThan => ".gt",
        DidFilterOperator.GreaterThanOrEqual => ".gte",
        DidFilterOperator.LessThan => ".lt",
        DidFilterOperator.LessThanOrEqual => ".lte",
        _ => "",
    };

    /// <summary>Numbers and booleans keep their type (Rucio compares them as such); anything else is text.</summary>
    private static object ParseValue(string text)
    {
        var value = text.Trim();
        if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
        {
            return value[1..^1];
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return number;
        }

        return value.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => value,
        };
    }

    [GeneratedRegex($@"^\s*(?<a>[^<>=!≤≥≠]+?)\s*(?<op1>{Operator})\s*(?<b>[^<>=!≤≥≠]+?)\s*(?:(?<op2>{Operator})\s*(?<c>[^<>=!≤≥≠]+?)\s*)?$")]
    private static partial Regex ConditionPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex KeyPattern();
}
