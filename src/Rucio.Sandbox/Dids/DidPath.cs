namespace Rucio.Sandbox.Dids;

/// <summary>
/// Splits "scope/name[/suffix]" the way Rucio's <c>&lt;path:scope_name&gt;</c> routes do. DID names may contain
/// '/', so the scope is the first segment and known suffixes are recognised at the end.
/// </summary>
internal readonly record struct DidPath(string Scope, string Name, string Suffix, string? Argument)
{
    /// <summary>The part of the request path after the prefix, with encoded slashes decoded.</summary>
    public static string Remainder(HttpContext context, string prefix)
    {
        var raw = context.Request.Path.Value ?? string.Empty;
        var rest = raw.Length > prefix.Length ? raw[prefix.Length..] : string.Empty;
        return rest.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }

    public static DidPath? Parse(string remainder, IReadOnlyList<string> suffixes, string? suffixWithArgument = null)
    {
        var slash = remainder.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == remainder.Length - 1)
        {
            return null;
        }

        var scope = remainder[..slash];
        var rest = remainder[(slash + 1)..];
        if (suffixWithArgument is not null)
        {
            var marker = "/" + suffixWithArgument + "/";
            var index = rest.LastIndexOf(marker, StringComparison.Ordinal);
            if (index > 0 && !rest[(index + marker.Length)..].Contains('/', StringComparison.Ordinal) && index + marker.Length < rest.Length)
            {
                return new DidPath(scope, rest[..index], suffixWithArgument, rest[(index + marker.Length)..]);
            }
        }

        foreach (var suffix in suffixes)
        {
            var ending = "/" + suffix;
            if (rest.Length > ending.Length && rest.EndsWith(ending, StringComparison.Ordinal))
            {
                return new DidPath(scope, rest[..^ending.Length], suffix, null);
            }
        }

        return new DidPath(scope, rest, string.Empty, null);
    }
}
