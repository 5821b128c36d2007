using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Replicas;

/// <summary>/replicas...: registration, state updates, listings and dataset replicas.</summary>
internal static class ReplicaEndpoints
{
    private const string Metalink = "application/metalink4+xml";

    public static void MapReplicas(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/replicas").RequireRucioToken();
        api.MapPost("", RegisterAsync);
        api.MapPut("", UpdateStatesAsync);
        api.MapPost("/list", ListAsync);
        api.MapGet("/{**path}", GetAsync);
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, ReplicaRegistration registration)
    {
        var body = await JsonBody.ReadAsync(context.Request);
        var rse = JsonBody.AsString(body.Required("rse")) ?? throw RucioException.KeyError("rse");
        await registration.RegisterAsync(context.Issuer(), rse, body.Required("files"), context.RequestAborted);
        return RucioResults.Created();
    }

    private static async Task<IResult> UpdateStatesAsync(HttpContext context, ReplicaRegistration registration)
    {
        var body = await JsonBody.ReadAsync(context.Request);
        var rse = JsonBody.AsString(body.Required("rse")) ?? throw RucioException.KeyError("rse");
        await registration.UpdateStatesAsync(context.Issuer(), rse, body.Required("files"), context.RequestAborted);
        return RucioResults.EmptyOk();
    }

    private static async Task<IResult> ListAsync(HttpContext context, ReplicaListing listing)
    {
        var body = await JsonBody.ReadAsync(context.Request);
        var dids = body.Required("dids");
        if (dids.ValueKind != JsonValueKind.Array)
        {
            throw RucioException.InvalidObject("Problem validating dids : 'dids' must be a list");
        }

        var schemes = body.Optional("schemes") is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(s => s.GetString() ?? string.Empty).ToList()
            : null;
        var query = new ReplicaQuery(
            dids.EnumerateArray().Select(d => (d.GetProperty("scope").GetString() ?? string.Empty, d.GetProperty("name").GetString() ?? string.Empty)).ToList(),
            schemes,
            body.String("rse_expression"),
            body.Bool("all_states") ?? false);
        return Render(context, listing, query);
    }

    private static IResult GetAsync(HttpContext context, ReplicaListing listing, SandboxDatabase database)
    {
        var remainder = DidPath.Remainder(context, "/replicas/");
        if (DidPath.Parse(remainder, ["datasets"]) is not { } did)
        {
            return FlaskNotFound.Result();
        }

        var deep = context.Request.Query["deep"].ToString().Equals("true", StringComparison.OrdinalIgnoreCase);
        if (did.Suffix == "datasets")
        {
            return RucioResults.Stream(context, DatasetReplicas.ListAsync(database, did.Scope, did.Name, deep, context.RequestAborted));
        }

        var schemes = context.Request.Query["schemes"].ToString();
        var query = new ReplicaQuery(
            [(did.Scope, did.Name)],
            schemes.Length == 0 ? null : schemes.Split(',', StringSplitOptions.RemoveEmptyEntries),
            context.Request.Query["rse_expression"].ToString() is { Length: > 0 } expression ? expression : null,
            context.Request.Query["all_states"].ToString().Equals("true", StringComparison.OrdinalIgnoreCase));
        return Render(context, listing, query);
    }

    private static IResult Render(HttpContext context, ReplicaListing listing, ReplicaQuery query)
    {
        if (AcceptGuard.Prefers(context, Metalink))
        {
            return new MetalinkResult(listing.ListAsync(query, context.RequestAborted));
        }

        return RucioResults.Stream(context, AsJson(listing.ListAsync(query, context.RequestAborted)));
    }

    private static async IAsyncEnumerable<object?> AsJson(IAsyncEnumerable<FileReplicas> files, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var file in files.WithCancellation(cancellationToken))
        {
            yield return ReplicaListing.ToJson(file);
        }
    }

    /// <summary>The metalink4 rendering (what rucio download asks for).</summary>
    private sealed class MetalinkResult(IAsyncEnumerable<FileReplicas> files) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var token = httpContext.RequestAborted;
            await using var enumerator = files.GetAsyncEnumerator(token);

            // The first read runs the query, so its errors still become proper error responses.
            var any = await enumerator.MoveNextAsync();
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = Metalink;
            await response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\">\n", token);
            while (any)
            {
                await response.WriteAsync(ReplicaListing.ToMetalink(enumerator.Current), token);
                any = await enumerator.MoveNextAsync();
            }

            await response.WriteAsync("</metalink>\n", token);
        }
    }
}
