using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Dids;

/// <summary>
/// GET /dids/{scope}/dids/search: name wildcards, Python-literal <c>filters</c> (a list of dicts OR-ed, keys in
/// a dict AND-ed, with .gte/.gt/.lte/.lt/.ne suffixes), <c>type</c>, <c>long</c> and <c>limit</c>.
/// </summary>
internal sealed class DidSearch(SandboxDatabase database)
{
    private static readonly string[] ReservedParameters = ["type", "long", "limit", "filters", "recursive"];

    /// <summary>Validates the request eagerly (errors must precede the stream) and returns the rows.</summary>
    public IAsyncEnumerable<object?> Search(string scope, IQueryCollection query, CancellationToken cancellationToken)
    {
        var type = query["type"].ToString();
        if (!query.ContainsKey("type"))
        {
            // Rucio 1.31 crashes here; clients have to send type (see transcript 14a).
            throw new PlainTextFailure(StatusCodes.Status500InternalServerError, "'NoneType' object has no attribute 'lower'");
        }

        var types = type.ToLowerInvariant() switch
        {
            "all" => "'F','D','C'",
            "collection" => "'D','C'",
            "container" => "'C'",
            "dataset" => "'D'",
            "file" => "'F'",
            _ => throw new RucioException(
                StatusCodes.Status409Conflict,
                "UnsupportedOperation",
                $"{type} is not a valid type. Valid types are dict_keys(['all', 'collection', 'container', 'dataset', 'file'])"),
        };

        var longFormat = query["long"].ToString() is var l && (l == "1" || l.Equals("true", StringComparison.OrdinalIgnoreCase));
        long? limit = long.TryParse(query["limit"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsedLimit) ? parsedLimit : null;
        var filterSets = ParseFilters(query);
        var parameters = new List<(string, object?)> { ("$scope", scope) };
        var where = BuildWhere(filterSets, parameters);
        var sql = new StringBuilder($"SELECT scope, name, did_type, bytes, length FROM dids WHERE scope = $scope AND did_type IN ({types})");
        if (where.Length > 0)
        {
            sql.Append(" AND (").Append(where).Append(')');
        }

        sql.Append(" ORDER BY name");
        if (limit is not null)
        {
            sql.Append(" LIMIT $limit");
            parameters.Add(("$limit", limit));
        }

        return Rows(sql.ToString(), parameters.ToArray(), longFormat, cancellationToken);
    }

    private async IAsyncEnumerable<object?> Rows(string sql, (string, object?)[] parameters, bool longFormat, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await foreach (var row in connection.QueryAsync(
            sql,
            r => longFormat
                ? new PyDict
                {
                    { "scope", r.GetString(0) }, { "name", r.GetString(1) }, { "did_type", "DIDType." + DidTypes.Name(r.GetString(2)) },
                    { "bytes", r.Long("bytes") }, { "length", r.Long("length") },
                }
                : (object)r.GetString(1),
            cancellationToken,
            parameters))
        {
            yield return row;
        }
    }

    private static List<List<KeyValuePair<string, object?>>> ParseFilters(IQueryCollection query)
    {
        var sets = new List<List<KeyValuePair<string, object?>>>();
        var text = query["filters"].ToString();
        if (!string.IsNullOrWhiteSpace(text))
        {
            object? parsed;
            try
            {
                parsed = PythonLiteral.Parse(text);
            }
            catch (FormatException ex)
            {
                throw RucioException.ValueError($"malformed filters: {ex.Message}");
            }

            switch (parsed)
            {
                case List<KeyValuePair<string, object?>> single:
                    sets.Add(single);
                    break;
                case List<object?> list:
                    sets.AddRange(list.Select(item => item as List<KeyValuePair<string, object?>>
                        ?? throw RucioException.ValueError("filters must be a list of dictionaries")));
                    break;
                default:
                    throw RucioException.ValueError("filters must be a list of dictionaries");
            }
        }

        if (sets.Count == 0)
        {
            sets.Add([]);
        }

        // Plain query parameters (name=..., datatype=...) apply to every OR-ed filter set.
        foreach (var (key, values) in query)
        {
            if (ReservedParameters.Contains(key))
            {
                continue;
            }

            foreach (var set in sets.Where(set => !set.Any(kv => kv.Key == key)))
            {
                set.Add(new(key, values.ToString()));
            }
        }

        return sets;
    }

    private static string BuildWhere(List<List<KeyValuePair<string, object?>>> sets, List<(string, object?)> parameters)
    {
        var alternatives = new List<string>();
        foreach (var set in sets)
        {
            var conditions = new List<string>();
            foreach (var (rawKey, value) in set)
            {
                if (rawKey is "type" or "did_type")
                {
                    continue;
                }

                var (key, op) = SplitOperator(rawKey);
                if (!DidColumns.TryFilterColumn(key, out var column, out var numeric))
                {
                    throw new RucioException(StatusCodes.Status400BadRequest, "KeyNotFound", $"Key '{key}' is not a valid search key");
                }

                var parameter = "$p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
                var operand = Normalize(key, value, numeric);
                if (op == "=" && operand is string pattern && (pattern.Contains('*', StringComparison.Ordinal) || pattern.Contains('%', StringComparison.Ordinal)))
                {
                    conditions.Add($"{column} GLOB {parameter}");
                    parameters.Add((parameter, ToGlob(pattern)));
                }
                else
                {
                    conditions.Add(op == "!=" ? $"({column} IS NULL OR {column} != {parameter})" : $"{column} {op} {parameter}");
                    parameters.Add((parameter, operand));
                }
            }

            alternatives.Add(conditions.Count == 0 ? "1 = 1" : "(" + string.Join(" AND ", conditions) + ")");
        }

        return string.Join(" OR ", alternatives);
    }

    private static (string Key, string Operator) SplitOperator(string key)
    {
        foreach (var (suffix, op) in new[] { (".gte", ">="), (".gt", ">"), (".lte", "<="), (".lt", "<"), (".ne", "!=") })
        {
            if (key.EndsWith(suffix, StringComparison.Ordinal))
            {
                return (key[..^suffix.Length], op);
            }
        }

        return (key, "=");
    }

    private static object? Normalize(string key, object? value, bool numeric)
    {
        if (numeric && value is string text)
        {
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                ? number
                : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ? real : text;
        }

        if (key is "created_at" or "updated_at" && value is string date)
        {
            // Stored as yyyy-MM-ddTHH:mm:ss.ffffff; accept "2026-11-22 18:00:00" and date-only forms too.
            return date.Replace(' ', 'T');
        }

        return value is bool flag ? (flag ? 1L : 0L) : value;
    }

    /// <summary>Rucio's '*' (and '%') wildcards as a case-sensitive GLOB with everything else literal.</summary>
    private static string ToGlob(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 8);
        foreach (var c in pattern)
        {
            builder.Append(c switch
            {
                '*' or '%' => "*",
                '?' => "[?]",
                '[' => "[[]",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
