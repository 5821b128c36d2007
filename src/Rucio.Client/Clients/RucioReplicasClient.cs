using System.Globalization;

namespace Rucio.Client;

/// <summary>File replicas.</summary>
public sealed class RucioReplicasClient
{
    private readonly RucioPipeline _pipeline;

    internal RucioReplicasClient(RucioPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// POST /replicas/list: the files of the given DIDs (collections are expanded) with their replicas. Prefer an
    /// <see cref="ReplicaListRequest.RseExpression"/> for large datasets: it is far cheaper on the server.
    /// </summary>
    public IAsyncEnumerable<Replica> ListAsync(ReplicaListRequest request, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(CreateListRequest(request), RucioPipeline.JsonLines(RucioJsonContext.Default.Replica), cancellationToken);

    /// <summary>
    /// POST /replicas/list (the same request as <see cref="ListAsync"/>) read for one RSE only: per file its state
    /// and first PFN on <paramref name="rse"/>. For large collections this is far cheaper than <see cref="ListAsync"/>
    /// because nothing else of a line is built; combine it with an <see cref="ReplicaListRequest.RseExpression"/>.
    /// </summary>
    public IAsyncEnumerable<RseReplica> ListOnRseAsync(ReplicaListRequest request, string rse, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rse);
        var message = CreateListRequest(request);
        // One parser per listing: it carries the scope shared by consecutive lines.
        return _pipeline.StreamAsync(message, new RseReplicaParser(rse).Parse, cancellationToken);
    }

    private static RucioRequest CreateListRequest(ReplicaListRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Dids is null || request.Dids.Count == 0)
        {
            throw new ArgumentException("At least one DID is required.", nameof(request));
        }

        var body = JsonBody.Create(w =>
        {
            JsonBody.WriteDids(w, "dids", request.Dids);
            if (request.Schemes is not null)
            {
                w.WriteStartArray("schemes");
                foreach (var scheme in request.Schemes)
                {
                    w.WriteStringValue(scheme);
                }

                w.WriteEndArray();
            }

            w.WriteBoolean("all_states", request.AllStates);
            JsonBody.WriteOptionalString(w, "rse_expression", request.RseExpression);
            if (request.ClientLocation is { } location)
            {
                w.WriteStartObject("client_location");
                JsonBody.WriteOptionalString(w, "site", location.Site);
                JsonBody.WriteOptionalString(w, "ip", location.Ip);
                w.WriteEndObject();
            }

            JsonBody.WriteOptionalString(w, "sort", request.Sort);
            JsonBody.WriteOptionalString(w, "domain", request.Domain);
        });
        var query = new QueryBuilder().Add("limit", request.Limit?.ToString(CultureInfo.InvariantCulture));
        return new RucioRequest(HttpMethod.Post, "replicas/list") { JsonBody = body, Query = query };
    }

    /// <summary>
    /// GET /replicas/{scope}/{name}: every PFN on every RSE. Expensive for big datasets (35 s for 100k files on the
    /// reference server); <see cref="ListAsync"/> with an RSE expression is preferred.
    /// </summary>
    public IAsyncEnumerable<Replica> ListForDidAsync(Did did, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"replicas/{RucioPipeline.Segment(did.Scope)}/{RucioPipeline.Segment(did.Name)}"),
            RucioPipeline.JsonLines(RucioJsonContext.Default.Replica),
            cancellationToken);

    /// <summary>GET /replicas/{scope}/{name}/datasets: per-RSE completeness of a dataset (<c>deep</c> recomputes it from the files).</summary>
    public IAsyncEnumerable<DatasetReplica> ListDatasetReplicasAsync(Did did, bool deep = false, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"replicas/{RucioPipeline.Segment(did.Scope)}/{RucioPipeline.Segment(did.Name)}/datasets")
            {
                Query = new QueryBuilder().Add("deep", deep ? "True" : null),
            },
            RucioPipeline.JsonLines(RucioJsonContext.Default.DatasetReplica),
            cancellationToken);

    /// <summary>POST /replicas: registers replicas of (new or existing) files on an RSE.</summary>
    public Task AddAsync(string rse, IEnumerable<FileRegistration> files, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rse);
        ArgumentNullException.ThrowIfNull(files);
        var body = JsonBody.Create(w =>
        {
            w.WriteString("rse", rse);
            w.WriteStartArray("files");
            foreach (var file in files)
            {
                JsonBody.WriteFile(w, file);
            }

            w.WriteEndArray();
        });
        return _pipeline.SendWithoutResultAsync(new RucioRequest(HttpMethod.Post, "replicas") { JsonBody = body }, cancellationToken);
    }

    /// <summary>PUT /replicas: changes replica states on an RSE (sent as Rucio's one-letter codes, e.g. "A").</summary>
    public Task UpdateStatesAsync(string rse, IEnumerable<ReplicaStateUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rse);
        ArgumentNullException.ThrowIfNull(updates);
        var body = JsonBody.Create(w =>
        {
            w.WriteString("rse", rse);
            w.WriteStartArray("files");
            foreach (var update in updates)
            {
                w.WriteStartObject();
                w.WriteString("scope", update.Did.Scope);
                w.WriteString("name", update.Did.Name);
                w.WriteString("state", ReplicaStateConverter.ToCode(update.State));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        return _pipeline.SendWithoutResultAsync(new RucioRequest(HttpMethod.Put, "replicas") { JsonBody = body }, cancellationToken);
    }
}
