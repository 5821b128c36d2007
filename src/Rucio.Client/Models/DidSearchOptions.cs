namespace Rucio.Client;

/// <summary>Parameters of the DID search (GET /dids/{scope}/dids/search).</summary>
public sealed record DidSearchOptions
{
    /// <summary>Always sent: Rucio 1.31 answers 500 when <c>type</c> is missing.</summary>
    public DidSearchType Type { get; init; } = DidSearchType.All;

    /// <summary>Name pattern with <c>*</c> wildcards. With <see cref="Filters"/> it is added to every group that has no <c>name</c>.</summary>
    public string? NamePattern { get; init; }

    /// <summary>
    /// OR-ed groups of AND-ed conditions, key → condition, e.g. <c>{"bytes": DidFilter.GreaterThanOrEqual(2000)}</c>.
    /// Rendered as Rucio's Python-literal <c>filters</c> parameter.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, DidFilter>>? Filters { get; init; }

    /// <summary>Ask for scope, name, type, bytes and length (<c>long=1</c>); otherwise only names come back.</summary>
    public bool Long { get; init; } = true;

    public int? Limit { get; init; }

    public bool Recursive { get; init; }
}

/// <summary>Comparison of a DID search condition.</summary>
public enum DidFilterOperator
{
    Equal,
    NotEqual,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}

/// <summary>One search condition: an operator and a string, integer, floating-point, boolean or date value.</summary>
public readonly record struct DidFilter
{
    public DidFilter(DidFilterOperator @operator, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is not (string or bool or int or long or short or uint or ulong or double or float or decimal
            or DateTimeOffset or DateTime))
        {
            throw new ArgumentException($"Unsupported filter value type {value.GetType().Name}.", nameof(value));
        }

        Operator = @operator;
        Value = value;
    }

    public DidFilterOperator Operator { get; }

    public object Value { get; }

    public static DidFilter Equal(object value) => new(DidFilterOperator.Equal, value);

    public static DidFilter NotEqual(object value) => new(DidFilterOperator.NotEqual, value);

    public static DidFilter GreaterThan(object value) => new(DidFilterOperator.GreaterThan, value);

    public static DidFilter GreaterThanOrEqual(object value) => new(DidFilterOperator.GreaterThanOrEqual, value);

    public static DidFilter LessThan(object value) => new(DidFilterOperator.LessThan, value);

    public static DidFilter LessThanOrEqual(object value) => new(DidFilterOperator.LessThanOrEqual, value);
}
