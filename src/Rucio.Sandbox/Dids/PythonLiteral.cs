using System.Globalization;
using System.Text;

namespace Rucio.Sandbox.Dids;

/// <summary>
/// Parses the Python literals clients send as the <c>filters</c> parameter (Rucio applies
/// <c>ast.literal_eval</c>): lists/tuples, dicts, strings, numbers, True/False/None.
/// </summary>
internal sealed class PythonLiteral
{
    private readonly string _text;
    private int _position;

    private PythonLiteral(string text) => _text = text;

    /// <summary>Dicts come back as ordered key/value lists, lists as <see cref="List{T}"/>.</summary>
    public static object? Parse(string text)
    {
        var parser = new PythonLiteral(text);
        var value = parser.ParseValue();
        parser.SkipSpaces();
        return parser._position == text.Length ? value : throw new FormatException("trailing characters in literal");
    }

    private object? ParseValue()
    {
        SkipSpaces();
        if (_position >= _text.Length)
        {
            throw new FormatException("unexpected end of literal");
        }

        var c = _text[_position];
        return c switch
        {
            '[' => ParseSequence(']'),
            '(' => ParseSequence(')'),
            '{' => ParseDict(),
            '\'' or '"' => ParseString(),
            _ when char.IsDigit(c) || c is '-' or '+' or '.' => ParseNumber(),
            _ => ParseKeyword(),
        };
    }

    private List<object?> ParseSequence(char close)
    {
        _position++;
        var items = new List<object?>();
        while (true)
        {
            SkipSpaces();
            if (Peek() == close)
            {
                _position++;
                return items;
            }

            items.Add(ParseValue());
            SkipSpaces();
            if (Peek() == ',')
            {
                _position++;
                continue;
            }

            Expect(close);
            return items;
        }
    }

    private List<KeyValuePair<string, object?>> ParseDict()
    {
        _position++;
        var items = new List<KeyValuePair<string, object?>>();
        while (true)
        {
            SkipSpaces();
            if (Peek() == '}')
            {
                _position++;
                return items;
            }

            var key = ParseValue();
            SkipSpaces();
            Expect(':');
            var value = ParseValue();
            items.Add(new(Convert.ToString(key, CultureInfo.InvariantCulture) ?? "None", value));
            SkipSpaces();
            if (Peek() == ',')
            {
                _position++;
                continue;
            }

            Expect('}');
            return items;
        }
    }

    private string ParseString()
    {
        var quote = _text[_position++];
        var builder = new StringBuilder();
        while (_position < _text.Length && _text[_position] != quote)
        {
            var c = _text[_position++];
            if (c == '\\' && _position < _text.Length)
            {
                var escaped = _text[_position++];
                builder.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => escaped });
            }
            else
            {
                builder.Append(c);
            }
        }

        Expect(quote);
        return builder.ToString();
    }

    private object ParseNumber()
    {
        var start = _position;
        while (_position < _text.Length && (char.IsDigit(_text[_position]) || _text[_position] is '-' or '+' or '.' or 'e' or 'E' or '_'))
        {
            _position++;
        }

        var token = _text[start.._position].Replace("_", string.Empty, StringComparison.Ordinal);
        if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }

        return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            ? real
            : throw new FormatException($"malformed number {token}");
    }

    private object? ParseKeyword()
    {
        foreach (var (word, value) in new (string, object?)[] { ("True", true), ("False", false), ("None", null) })
        {
            if (string.CompareOrdinal(_text, _position, word, 0, word.Length) == 0)
            {
                _position += word.Length;
                return value;
            }
        }

        throw new FormatException("malformed node or string");
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw new FormatException($"expected '{c}'");
        }

        _position++;
    }

    private void SkipSpaces()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }
}
