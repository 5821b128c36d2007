using System.Globalization;

namespace Rucio.Sandbox.Rses;

/// <summary>The reason an RSE expression cannot be used (mapped to InvalidRSEExpression by callers).</summary>
internal sealed class RseExpressionException(string message) : Exception(message);

/// <summary>An RSE with its attributes, the input of expression evaluation.</summary>
internal sealed record RseWithAttributes(RseRecord Rse, IReadOnlyDictionary<string, RseAttribute> Attributes);

/// <summary>
/// Rucio RSE expressions: terms are an RSE name, <c>key=value</c>, <c>key&lt;n</c>, <c>key&gt;n</c> or <c>*</c>;
/// operators <c>|</c> (union), <c>&amp;</c> (intersection) and <c>\</c> (complement) apply left to right, with
/// parentheses for grouping (Rucio gives the three operators equal precedence).
/// </summary>
internal sealed class RseExpression
{
    private const string EmptySet = "RSE Expression resulted in an empty set.";
    private readonly IReadOnlyList<RseWithAttributes> _universe;
    private readonly string _text;
    private int _position;

    private RseExpression(string text, IReadOnlyList<RseWithAttributes> universe)
    {
        _text = text;
        _universe = universe;
    }

    /// <summary>Evaluates an expression; the result keeps the universe's order and is never empty.</summary>
    public static List<RseWithAttributes> Evaluate(string expression, IReadOnlyList<RseWithAttributes> universe)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new RseExpressionException(EmptySet);
        }

        var parser = new RseExpression(expression.Trim(), universe);
        var result = parser.ParseSequence();
        parser.SkipSpaces();
        if (parser._position != parser._text.Length)
        {
            throw new RseExpressionException("Problem with parentheses in RSE Expression.");
        }

        var ordered = universe.Where(r => result.Contains(r.Rse.Id)).ToList();
        return ordered.Count == 0 ? throw new RseExpressionException(EmptySet) : ordered;
    }

    private HashSet<string> ParseSequence()
    {
        var result = ParseOperand();
        while (true)
        {
            SkipSpaces();
            if (_position >= _text.Length || _text[_position] == ')')
            {
                return result;
            }

            var op = _text[_position++];
            var right = ParseOperand();
            switch (op)
            {
                case '|':
                    result.UnionWith(right);
                    break;
                case '&':
                    result.IntersectWith(right);
                    break;
                case '\\':
                    result.ExceptWith(right);
                    break;
                default:
                    throw new RseExpressionException("Expression does not comply to RSE Expression syntax.");
            }
        }
    }

    private HashSet<string> ParseOperand()
    {
        SkipSpaces();
        if (_position < _text.Length && _text[_position] == '(')
        {
            _position++;
            var inner = ParseSequence();
            SkipSpaces();
            if (_position >= _text.Length || _text[_position] != ')')
            {
                throw new RseExpressionException("Problem with parentheses in RSE Expression.");
            }

            _position++;
            return inner;
        }

        var start = _position;
        while (_position < _text.Length && "()|&\\".IndexOf(_text[_position], StringComparison.Ordinal) < 0)
        {
            _position++;
        }

        var term = _text[start.._position].Trim();
        return term.Length == 0
            ? throw new RseExpressionException("Expression does not comply to RSE Expression syntax.")
            : Resolve(term);
    }

    private HashSet<string> Resolve(string term)
    {
        if (term == "*")
        {
            return _universe.Select(r => r.Rse.Id).ToHashSet(StringComparer.Ordinal);
        }

        var operatorIndex = term.IndexOfAny(['=', '<', '>']);
        if (operatorIndex <= 0)
        {
            return _universe.Where(r => r.Rse.Name == term).Select(r => r.Rse.Id).ToHashSet(StringComparer.Ordinal);
        }

        var key = term[..operatorIndex].Trim();
        var value = term[(operatorIndex + 1)..].Trim();
        var op = term[operatorIndex];
        return _universe.Where(r => Matches(r, key, op, value)).Select(r => r.Rse.Id).ToHashSet(StringComparer.Ordinal);
    }

    private static bool Matches(RseWithAttributes rse, string key, char op, string value)
    {
        if (!rse.Attributes.TryGetValue(key, out var attribute))
        {
            // Like Rucio's list_rses(filters=…), a key that is a column of the RSE itself filters on the column:
            // the existing extension's upload dialog asks for `availability_write=True`.
            attribute = ColumnAsAttribute(rse.Rse, key);
        }

        if (attribute?.Text is null)
        {
            return false;
        }

        if (op == '=')
        {
            return attribute.IsBool
                ? string.Equals(attribute.Text, value, StringComparison.OrdinalIgnoreCase) || (value == "1" && attribute.Text == "True") || (value == "0" && attribute.Text == "False")
                : attribute.Text == value;
        }

        if (!double.TryParse(attribute.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var actual)
            || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var limit))
        {
            return false;
        }

        return op == '<' ? actual < limit : actual > limit;
    }

    private static RseAttribute? ColumnAsAttribute(RseRecord rse, string key)
    {
        bool? flag = key switch
        {
            "availability_read" => rse.AvailabilityRead,
            "availability_write" => rse.AvailabilityWrite,
            "availability_delete" => rse.AvailabilityDelete,
            "deterministic" => rse.Deterministic,
            "volatile" => rse.Volatile,
            "staging_area" => rse.StagingArea,
            _ => null,
        };
        if (flag is { } value)
        {
            return new RseAttribute(key, value ? "True" : "False", IsBool: true);
        }

        return key switch
        {
            "rse_type" => new RseAttribute(key, rse.RseType, IsBool: false),
            "availability" => new RseAttribute(key, rse.Availability.ToString(CultureInfo.InvariantCulture), IsBool: false),
            _ => null,
        };
    }

    private void SkipSpaces()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }
}
