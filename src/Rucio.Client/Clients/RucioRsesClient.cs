using System.Text.Json;

namespace Rucio.Client;

/// <summary>Rucio Storage Elements.</summary>
public sealed class RucioRsesClient
{
    private readonly RucioPipeline _pipeline;

    internal RucioRsesClient(RucioPipeline pipeline) => _pipeline = pipeline;

    /// <summary>GET /rses/ (with the trailing slash; without it the server redirects), optionally filtered by an RSE expression.</summary>
    public IAsyncEnumerable<RseInfo> ListAsync(string? expression = null, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, "rses/") { Query = new QueryBuilder().Add("expression", expression) },
            RucioPipeline.JsonLines(RucioJsonContext.Default.RseInfo),
            cancellationToken);

    public Task<RseSettings> GetAsync(string rse, CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(new RucioRequest(HttpMethod.Get, RsePath(rse)), RucioJsonContext.Default.RseSettings, cancellationToken);

    /// <summary>GET /rses/{rse}/attr/: attribute → value (values are mostly strings, plus the implicit "{rse}": true).</summary>
    public Task<IReadOnlyDictionary<string, JsonElement>> GetAttributesAsync(string rse, CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(
            new RucioRequest(HttpMethod.Get, $"{RsePath(rse)}/attr/"),
            RucioJsonContext.Default.IReadOnlyDictionaryStringJsonElement,
            cancellationToken);

    public Task<IReadOnlyList<RseProtocol>> ListProtocolsAsync(string rse, CancellationToken cancellationToken = default) =>
        _pipeline.SendForJsonAsync(
            new RucioRequest(HttpMethod.Get, $"{RsePath(rse)}/protocols"),
            RucioJsonContext.Default.IReadOnlyListRseProtocol,
            cancellationToken);

    public IAsyncEnumerable<RseUsage> ListUsageAsync(string rse, CancellationToken cancellationToken = default) =>
        _pipeline.StreamAsync(
            new RucioRequest(HttpMethod.Get, $"{RsePath(rse)}/usage"),
            RucioPipeline.JsonLines(RucioJsonContext.Default.RseUsage),
            cancellationToken);

    private static string RsePath(string rse) => $"rses/{RucioPipeline.Segment(rse)}";
}
