using System.Diagnostics.CodeAnalysis;

namespace Rucio.Client;

/// <summary>A Rucio data identifier: a scope and a name, written <c>scope:name</c>.</summary>
public readonly record struct Did
{
    /// <summary>Creates a DID; both parts must be non-empty.</summary>
    public Did(string scope, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Scope = scope;
        Name = name;
    }

    public string Scope { get; }

    public string Name { get; }

    /// <summary>
    /// Parses <c>scope:name</c>. The split happens at the FIRST colon because scopes never contain one
    /// while names may (as well as '/').
    /// </summary>
    public static Did Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var did)
            ? did
            : throw new FormatException($"'{text}' is not a DID of the form scope:name.");
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out Did did)
    {
        did = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        did = new Did(text[..colon], text[(colon + 1)..]);
        return true;
    }

    public override string ToString() => $"{Scope}:{Name}";
}
