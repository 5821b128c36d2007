using System.Text.Json;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rules;

namespace Rucio.Sandbox.Dids;

/// <summary>/dids/...: one catch-all route per method, dispatched on the path like Rucio's path converters.</summary>
internal static class DidEndpoints
{
    private const string Prefix = "/dids/";
    private static readonly string[] GetSuffixes = ["meta", "files", "dids", "parents", "rules", "associated_rules"];

    public static void MapDids(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/dids").RequireRucioToken();
        api.MapGet("/{**path}", GetAsync);
        api.MapPost("/{**path}", PostAsync);
        api.MapPut("/{**path}", PutAsync);
        api.MapDelete("/{**path}", DeleteAsync);
    }

    private static async Task<IResult> GetAsync(HttpContext context, DidQueries queries, DidSearch search, RuleQueries rules)
    {
        var remainder = DidPath.Remainder(context, Prefix);
        var token = context.RequestAborted;
        if (remainder.EndsWith("/dids/search", StringComparison.Ordinal) && remainder.IndexOf('/', StringComparison.Ordinal) == remainder.Length - "/dids/search".Length)
        {
            return RucioResults.Stream(context, search.Search(remainder[..^"/dids/search".Length], context.Request.Query, token));
        }

        if (remainder.Length > 1 && remainder.IndexOf('/', StringComparison.Ordinal) == remainder.Length - 1)
        {
            // GET /dids/{scope}/ in Rucio 1.31 looks the name parameter up as a DID (transcript 14h).
            var name = context.Request.Query["name"].ToString();
            throw RucioException.DidNotFound(remainder[..^1], name.Length == 0 ? "None" : name);
        }

        if (DidPath.Parse(remainder, GetSuffixes) is not { } did)
        {
            return FlaskNotFound.Result();
        }

        return did.Suffix switch
        {
            "meta" => RucioResults.Object(context, await queries.MetaAsync(did.Scope, did.Name, token)),
            "files" => RucioResults.Stream(context, queries.FilesAsync(did.Scope, did.Name, IsTrue(context.Request.Query["long"]), token)),
            "dids" => RucioResults.Stream(context, queries.ContentAsync(did.Scope, did.Name, token)),
            "parents" => RucioResults.Stream(context, queries.ParentsAsync(did.Scope, did.Name, token)),
            "rules" => RucioResults.Stream(context, rules.ForDidAsync(did.Scope, did.Name, token)),
            "associated_rules" => RucioResults.Stream(context, rules.AssociatedWithFileAsync(did.Scope, did.Name, token)),
            _ => RucioResults.Object(context, await queries.GetAsync(did.Scope, did.Name, context.Request.Query["dynamic_depth"].ToString() is { Length: > 0 } depth ? depth : null, token)),
        };
    }

    private static async Task<IResult> PostAsync(HttpContext context, DidService service)
    {
        var issuer = context.Issuer();
        var token = context.RequestAborted;
        if (DidPath.Parse(DidPath.Remainder(context, Prefix), ["dids", "meta"], "meta") is not { } did)
        {
            return FlaskNotFound.Result();
        }

        switch (did.Suffix)
        {
            case "dids":
            {
                var body = await JsonBody.ReadAsync(context.Request);
                var children = DidService.ParseChildren(body.Required("dids"));
                await service.AttachAsync(issuer, did.Scope, did.Name, children, body.String("rse"), token);
                return RucioResults.Created();
            }

            case "meta" when did.Argument is not null:
            {
                var body = await JsonBody.ReadAsync(context.Request);
                await service.SetMetadataAsync(did.Scope, did.Name, [new(did.Argument, JsonBody.ToPlain(body.Required("value")))], token);
                return RucioResults.Created();
            }

            case "meta":
            {
                var body = await JsonBody.ReadAsync(context.Request);
                await service.SetMetadataAsync(did.Scope, did.Name, ToPairs(body.Required("meta")), token);
                return RucioResults.Created();
            }

            default:
            {
                var body = await JsonBody.ReadAsync(context.Request);
                var meta = body.Optional("meta") is { } m ? ToPairs(m) : [];
                await service.AddCollectionAsync(issuer, did.Scope, did.Name, body.String("type"), body.Long("lifetime"), meta, token);
                return RucioResults.Created();
            }
        }
    }

    private static async Task<IResult> PutAsync(HttpContext context, DidService service)
    {
        if (DidPath.Parse(DidPath.Remainder(context, Prefix), ["status"]) is not { Suffix: "status" } did)
        {
            return FlaskNotFound.Result();
        }

        var body = await JsonBody.ReadAsync(context.Request);
        var open = body.Bool("open") ?? throw RucioException.KeyError("open");
        await service.SetStatusAsync(context.Issuer(), did.Scope, did.Name, open, context.RequestAborted);
        return RucioResults.EmptyOk();
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, DidService service)
    {
        if (DidPath.Parse(DidPath.Remainder(context, Prefix), ["dids"]) is not { Suffix: "dids" } did)
        {
            return FlaskNotFound.Result();
        }

        var body = await JsonBody.ReadAsync(context.Request);
        var children = DidService.ParseChildren(body.Required("dids")).Select(c => (c.Scope, c.Name)).ToList();
        await service.DetachAsync(context.Issuer(), did.Scope, did.Name, children, context.RequestAborted);
        return RucioResults.EmptyOk();
    }

    private static List<KeyValuePair<string, object?>> ToPairs(JsonElement element)
        => element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, JsonBody.ToPlain(p.Value))).ToList()
            : throw RucioException.InvalidObject("meta must be a dictionary");

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value)
        => value.ToString() is "1" || value.ToString().Equals("true", StringComparison.OrdinalIgnoreCase);
}
