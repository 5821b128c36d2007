namespace Rucio.Sandbox.Infrastructure;

/// <summary>
/// Reproduces Rucio's <c>check_accept_header_wrapper_flask</c>: a request whose Accept header admits none of the
/// endpoint's content types gets 406 UnsupportedRequestedContentType.
/// </summary>
internal static class AcceptGuard
{
    public static void Require(HttpContext context, params string[] supported)
    {
        if (Accepts(context.Request.Headers.Accept.ToString(), supported))
        {
            return;
        }

        var requested = context.Request.Headers.Accept.ToString();
        var offered = string.Join(", ", supported.Select(type => $"'{type}'"));
        throw new RucioException(
            StatusCodes.Status406NotAcceptable,
            "UnsupportedRequestedContentType",
            $"The requested content type {requested} is not supported. Use [{offered}].");
    }

    public static bool Accepts(string acceptHeader, params string[] supported)
    {
        if (string.IsNullOrWhiteSpace(acceptHeader))
        {
            return true;
        }

        foreach (var range in acceptHeader.Split(','))
        {
            var parts = range.Split(';');
            var mediaType = parts[0].Trim();
            if (parts.Skip(1).Any(p => p.Trim().Replace(" ", string.Empty, StringComparison.Ordinal) is "q=0" or "q=0.0"))
            {
                continue;
            }

            if (mediaType == "*/*")
            {
                return true;
            }

            foreach (var type in supported)
            {
                if (string.Equals(mediaType, type, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                var slash = type.IndexOf('/', StringComparison.Ordinal);
                if (mediaType.EndsWith("/*", StringComparison.Ordinal)
                    && string.Equals(mediaType[..^1], type[..(slash + 1)], StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when the client prefers <paramref name="mediaType"/> explicitly (used for metalink).</summary>
    public static bool Prefers(HttpContext context, string mediaType)
        => context.Request.Headers.Accept.ToString().Contains(mediaType, StringComparison.OrdinalIgnoreCase);
}
