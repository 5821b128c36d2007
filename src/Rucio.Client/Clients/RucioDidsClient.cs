using System.Globalization;
using System.Text.Json;

namespace Rucio.Client;

/// <summary>Data identifiers: search, details, metadata, content, creation and attachment.</summary>
public sealed class RucioDidsClient
{
    private readonly RucioPipeline _pipeline;

    internal RucioDidsClient(RucioPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// GET /dids/{scope}/dids/search. <c>type</c> is always sent. Lines are objects with <c>long=1</c> and bare names
    /// otherwise; both become <see cref="DidSearchResult"/> (with only scope and name in the second case).
    /// </summary>
    public IAsyncEnumerable<DidSearchResult> SearchAsync(string scope, DidSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DidSearchOptions();
        // "name" is sent even with filters, as the extension does; the server only reads it without filters,
        // which is why RenderFilters also copies the pattern into the filter groups.
        var query = new QueryBuilder()
            .Add("type", options.Type.ToString().ToLowerInvariant())
            .Add("name", options.NamePattern);
        if (options.Filters is { Count: > 0 } filters)
        {
            query.Add("filters", PythonLiteral.RenderFilters(filters, options.NamePattern));
        }

        query.Add("long", options.Long ? "1" : null)
            .Add("limit", options.Limit?.ToString(CultureInfo.InvariantCulture))
            .Add("recursive", options.Recursive ? "True" : null);

        var request = new RucioRequest(HttpMethod.Get, $"dids/{RucioPipeline.Segment(scope)}/dids/search") { Query = query };
        return _pipeline.StreamAsync(request, line => ParseSearchLine(line, scope), cancellationToken);
    }

    internal static DidSearchResult ParseSearchLine(ReadOnlySpan<byte> line, string scope)
    {
        var trimmed = line.TrimStart(" \t"u8);
        if (!trimmed.IsEmpty && trimmed[0] == (byte)'"')
        {
            var name = JsonSerializer.Deserialize(trimmed, RucioJsonContext.Default.String)
                ?? throw new JsonException("A search line is JSON null.");
            return new DidSearchResult { Scope = scope, Name = name };
        }

        return JsonSerializer.Deserialize(trimmed, RucioJsonContext.Default.DidSearchResult)
            ?? throw new JsonException("A search line is JSON null.");
    }

    /// <summary>GET /dids/{scope}/{name}; with <paramref name="dynamicDepth"/> the server computes bytes/length of collections.</summary>
    public Task<DidDetails> GetAsync(Did did, DidType? dynamicDepth = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryBuilder().Add("dynamic_depth", dynamicDepth is { } depth ? DidTypeConverter.Instance.ToWireName(depth) : null);
        return _pipeline.SendForJsonAsync(new RucioRequest(HttpMethod.Get, DidPath(did)) { Query = query }, RucioJsonContext.Default.DidDetails, cancellationToken);
    }

    /// <summary>GET /dids/{scope}/{name}/meta: every metadata column, values kept as JSON.</summary>
    public Task<IReadOnlyDictionary<string, JsonElement>> GetMetadataAsync(Did did, CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(
            new RucioRequest(HttpMethod.Get, $"{DidPath(did)}/meta"),
            RucioJsonContext.Default.IReadOnlyDictionaryStringJsonElement,
            cancellationToken);

    /// <summary>POST /dids/{scope}/{name}/meta/{key} with <c>{"value": value}</c>; value is a string, number, boolean, date, JsonElement or null.</summary>
    public Task SetMetadataAsync(Did did, string key, object? value, CancellationToken cancellationToken = default)
    {
        var body = JsonBody.Create(w =>
        {
            w.WritePropertyName("value");
            JsonBody.WriteValue(w, value);
        });
        return _pipeline.SendWithoutResultAsync(
            new RucioRequest(HttpMethod.Post, $"{DidPath(did)}/meta/{RucioPipeline.Segment(key)}") { JsonBody = body },
            cancellationToken);
    }

    /// <summary>GET /dids/{scope}/{name}/files: the files of a DID, recursing through containers.</summary>
    public IAsyncEnumerable<DidFile> ListFilesAsync(Did did, bool includeLongFields = false, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"{DidPath(did)}/files") { Query = new QueryBuilder().Add("long", includeLongFields ? "1" : null) },
            RucioPipeline.JsonLines(RucioJsonContext.Default.DidFile),
            cancellationToken);

    /// <summary>
    /// GET /dids/{scope}/{name}/files read for scope, name and size only: for large collections far cheaper than
    /// <see cref="ListFilesAsync"/>, as nothing else of a line is built.
    /// </summary>
    public IAsyncEnumerable<DidFileEntry> ListFileEntriesAsync(Did did, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"{DidPath(did)}/files"),
            // One parser per listing: it carries the scope shared by consecutive lines.
            new DidFileEntryParser().Parse,
            cancellationToken);

    /// <summary>GET /dids/{scope}/{name}/dids: the direct children of a collection.</summary>
    public IAsyncEnumerable<DidContent> ListContentAsync(Did did, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"{DidPath(did)}/dids"),
            RucioPipeline.JsonLines(RucioJsonContext.Default.DidContent),
            cancellationToken);

    public IAsyncEnumerable<DidParent> ListParentsAsync(Did did, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"{DidPath(did)}/parents"),
            RucioPipeline.JsonLines(RucioJsonContext.Default.DidParent),
            cancellationToken);

    /// <summary>GET /dids/{scope}/{name}/rules: the rules directly on this DID.</summary>
    public IAsyncEnumerable<ReplicationRule> ListRulesAsync(Did did, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"{DidPath(did)}/rules"),
            RucioPipeline.JsonLines(RucioJsonContext.Default.ReplicationRule),
            cancellationToken);

    public Task AddDatasetAsync(Did did, TimeSpan? lifetime = null, IReadOnlyDictionary<string, object?>? meta = null, CancellationToken cancellationToken = default) =>
        AddCollectionAsync(did, "DATASET", lifetime, meta, cancellationToken);

    public Task AddContainerAsync(Did did, TimeSpan? lifetime = null, IReadOnlyDictionary<string, object?>? meta = null, CancellationToken cancellationToken = default) =>
        AddCollectionAsync(did, "CONTAINER", lifetime, meta, cancellationToken);

    /// <summary>POST /dids/{scope}/{name}/dids: attaches existing DIDs (optionally naming the RSE they are on).</summary>
    public Task AttachAsync(Did parent, IEnumerable<Did> children, string? rse = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(children);
        var body = JsonBody.Create(w =>
        {
            JsonBody.WriteOptionalString(w, "rse", rse);
            JsonBody.WriteDids(w, "dids", children);
        });
        return _pipeline.SendWithoutResultAsync(new RucioRequest(HttpMethod.Post, $"{DidPath(parent)}/dids") { JsonBody = body }, cancellationToken);
    }

    /// <summary>Registers new files with their replicas on <paramref name="rse"/> and attaches them, in one call.</summary>
    public Task AttachAsync(Did parent, string rse, IEnumerable<FileRegistration> files, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rse);
        ArgumentNullException.ThrowIfNull(files);
        var body = JsonBody.Create(w =>
        {
            w.WriteString("rse", rse);
            w.WriteStartArray("dids");
            foreach (var file in files)
            {
                JsonBody.WriteFile(w, file);
            }

            w.WriteEndArray();
        });
        return _pipeline.SendWithoutResultAsync(new RucioRequest(HttpMethod.Post, $"{DidPath(parent)}/dids") { JsonBody = body }, cancellationToken);
    }

    /// <summary>PUT /dids/{scope}/{name}/status: opens or closes a collection.</summary>
    public Task SetStatusAsync(Did did, bool open, CancellationToken cancellationToken = default) =>
        _pipeline.SendWithoutResultAsync(
            new RucioRequest(HttpMethod.Put, $"{DidPath(did)}/status") { JsonBody = JsonBody.Create(w => w.WriteBoolean("open", open)) },
            cancellationToken);

    internal static string DidPath(Did did) =>
        $"dids/{RucioPipeline.Segment(did.Scope)}/{RucioPipeline.Segment(did.Name)}";

    private Task AddCollectionAsync(Did did, string type, TimeSpan? lifetime, IReadOnlyDictionary<string, object?>? meta, CancellationToken cancellationToken)
    {
        var body = JsonBody.Create(w =>
        {
            w.WriteString("type", type);
            if (lifetime is { } value)
            {
                w.WriteNumber("lifetime", Seconds(value));
            }

            if (meta is not null)
            {
                w.WritePropertyName("meta");
                JsonBody.WriteMap(w, meta);
            }
        });
        return _pipeline.SendWithoutResultAsync(new RucioRequest(HttpMethod.Post, DidPath(did)) { JsonBody = body }, cancellationToken);
    }

    internal static long Seconds(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(value));
        return (long)Math.Ceiling(value.TotalSeconds);
    }
}
