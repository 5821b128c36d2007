using System.Text.Json;
using Rucio.Client;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Search;

/// <summary>
/// <c>GET did-search?namespace&amp;did=scope:pattern&amp;type=&amp;filters=&amp;limit=</c>: streams
/// <c>[{"did","size","type"}]</c> from Rucio's search with the row limit passed to Rucio (default 1000), and no
/// per-row metadata calls. No result is <c>[]</c> with 200 (the Python backend answered 404).
/// </summary>
internal static class DidSearchEndpoints
{
    public const int DefaultRowLimit = 1000;
    public const int MaxRowLimit = 10_000;

    public static RouteGroupBuilder MapDidSearch(this RouteGroupBuilder api)
    {
        api.MapGet("/did-search", SearchAsync);
        return api;
    }

    private static Task SearchAsync(HttpContext context, RucioSession session, string? did, string? type, string? filters, int? limit)
    {
        var (scope, pattern) = ParsePattern(did);
        if (!session.Instance.WildcardEnabled && (pattern.Contains('*') || pattern.Contains('%')))
        {
            // "wildcard_disabled" is the code the existing frontend recognises.
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "wildcard_disabled", "WildcardDisabled",
                $"Wildcard search is disabled for '{session.Instance.DisplayName}'. Search for a complete DID name.");
        }

        var options = new DidSearchOptions
        {
            Type = ParseType(type),
            NamePattern = pattern,
            Filters = ParseFilters(filters),
            Limit = Math.Clamp(limit ?? DefaultRowLimit, 1, MaxRowLimit),
            Long = true,
        };

        return JsonArrayStreamer.StreamAsync(
            context,
            session,
            "search for DIDs",
            "GET /dids/{scope}/dids/search",
            (client, cancellationToken) => client.Dids.SearchAsync(scope, options, cancellationToken),
            WriteRow);
    }

    private static void WriteRow(Utf8JsonWriter writer, DidSearchResult row)
    {
        writer.WriteStartObject();
        writer.WriteString("did", $"{row.Scope}:{row.Name}");
        if (row.Bytes is { } bytes)
        {
            writer.WriteNumber("size", bytes);
        }
        else
        {
            writer.WriteNull("size");
        }

        writer.WriteString("type", row.Type switch
        {
            DidType.File => "file",
            DidType.Dataset => "dataset",
            DidType.Container => "container",
            _ => null,
        });
        writer.WriteEndObject();
    }

    /// <summary>Splits at the first colon: scopes never contain one, names may (and may contain '/').</summary>
    private static (string Scope, string Pattern) ParsePattern(string? did)
    {
        var text = did?.Trim() ?? "";
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw ApiProblemException.BadRequest($"\"{text}\" is not a DID: write scope:name (for example user.jdoe:data*).");
        }

        return (text[..colon], text[(colon + 1)..]);
    }

    private static DidSearchType ParseType(string? type) => (type?.Trim().ToLowerInvariant() ?? "collection") switch
    {
        "" or "collection" => DidSearchType.Collection,
        "all" => DidSearchType.All,
        "dataset" => DidSearchType.Dataset,
        "container" => DidSearchType.Container,
        "file" => DidSearchType.File,
        var other => throw ApiProblemException.BadRequest($"Unknown DID type \"{other}\"; use all, collection, dataset, container or file."),
    };

    private static IReadOnlyList<IReadOnlyDictionary<string, DidFilter>>? ParseFilters(string? filters)
    {
        if (string.IsNullOrWhiteSpace(filters))
        {
            return null;
        }

        try
        {
            var groups = MetadataFilterParser.Parse(filters);
            return groups.Count == 0 ? null : groups;
        }
        catch (FormatException ex)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, $"Invalid metadata filter: {ex.Message}", "InvalidFilter", ex.Message);
        }
    }
}
