using System.Runtime.CompilerServices;
using System.Text.Json;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Rses;

/// <summary>/rses/...: RSE definitions, attributes, protocols, usage, limits and distances.</summary>
internal static class RseEndpoints
{
    public static void MapRses(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/rses").RequireRucioToken();
        api.MapGet("/", ListAsync);
        api.MapPost("/{rse}", AddAsync);
        api.MapGet("/{rse}", GetAsync);
        api.MapPut("/{rse}", UpdateAsync);
        api.MapGet("/{rse}/attr/", ListAttributesAsync);
        api.MapPost("/{rse}/attr/{key}", SetAttributeAsync);
        api.MapDelete("/{rse}/attr/{key}", DeleteAttributeAsync);
        api.MapGet("/{rse}/protocols", ListProtocolsAsync);
        api.MapPost("/{rse}/protocols/{scheme}", AddProtocolAsync);
        api.MapGet("/{rse}/usage", UsageAsync);
        api.MapGet("/{rse}/limits", GetLimitsAsync);
        api.MapPut("/{rse}/limits", SetLimitAsync);
        api.MapPost("/{rse}/distances/{destination}", AddDistanceAsync);
        api.MapGet("/{rse}/distances/{destination}", GetDistanceAsync);
    }

    private static IResult ListAsync(HttpContext context, SandboxDatabase database, string? expression)
        => RucioResults.Stream(context, ListRows(database, expression, context.RequestAborted));

    private static async IAsyncEnumerable<object?> ListRows(SandboxDatabase database, string? expression, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (!string.IsNullOrEmpty(expression))
        {
            // With an expression Rucio answers only the names.
            foreach (var rse in await RseUniverse.ResolveAsync(connection, expression, StatusCodes.Status400BadRequest, cancellationToken))
            {
                yield return new PyDict { { "rse", rse.Rse.Name } };
            }

            yield break;
        }

        await foreach (var row in connection.QueryAsync(
            """
            SELECT id, rse, rse_type, deterministic, volatile, staging_area, city, region_code, country_name, continent,
                   time_zone, isp, asn, longitude, latitude, availability_read, availability_write, availability_delete,
                   qos_class, created_at, updated_at
            FROM rses ORDER BY rse
            """,
            r =>
            {
                var read = r.GetInt64(15) != 0;
                var write = r.GetInt64(16) != 0;
                var delete = r.GetInt64(17) != 0;
                return new PyDict
                {
                    { "id", r.GetString(0) }, { "rse", r.GetString(1) }, { "vo", "def" }, { "rse_type", r.GetString(2) },
                    { "deterministic", r.GetInt64(3) != 0 }, { "volatile", r.GetInt64(4) != 0 }, { "staging_area", r.GetInt64(5) != 0 },
                    { "city", r.Str("city") }, { "region_code", r.Str("region_code") }, { "country_name", r.Str("country_name") },
                    { "continent", r.Str("continent") }, { "time_zone", r.Str("time_zone") }, { "ISP", r.Str("isp") }, { "ASN", r.Str("asn") },
                    { "longitude", r.IsDBNull(13) ? null : r.GetDouble(13) }, { "latitude", r.IsDBNull(14) ? null : r.GetDouble(14) },
                    { "availability", (read ? 4 : 0) + (write ? 2 : 0) + (delete ? 1 : 0) },
                    { "availability_read", read }, { "availability_write", write }, { "availability_delete", delete },
                    { "qos_class", r.Str("qos_class") }, { "created_at", RucioTime.Rfc1123(r.GetString(19)) },
                    { "updated_at", RucioTime.Rfc1123(r.GetString(20)) }, { "deleted", false }, { "deleted_at", null },
                };
            },
            cancellationToken))
        {
            yield return row;
        }
    }

    private static async Task<IResult> AddAsync(HttpContext context, RseAdministration administration, string rse)
    {
        Permissions.RequireAdmin(context.Issuer(), "add RSE");
        var body = await JsonBody.ReadAsync(context.Request, allowEmpty: true);
        await administration.AddRseAsync(rse, body, context.RequestAborted);
        return RucioResults.Created();
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, SandboxDatabase database, TimeProvider time, string rse)
    {
        Permissions.RequireAdmin(context.Issuer(), "update RSE");
        var body = await JsonBody.ReadAsync(context.Request);
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        foreach (var column in new[] { "availability_read", "availability_write", "availability_delete", "deterministic", "volatile", "staging_area" })
        {
            if (body.Bool(column) is { } flag)
            {
                await connection.ExecuteAsync($"UPDATE rses SET {column} = $v, updated_at = $now WHERE id = $id", context.RequestAborted, ("$v", flag ? 1 : 0), ("$now", RucioTime.Now(time)), ("$id", record.Id));
            }
        }

        foreach (var column in new[] { "city", "region_code", "country_name", "continent", "time_zone", "qos_class", "rse_type" })
        {
            if (body.String(column) is { } text)
            {
                await connection.ExecuteAsync($"UPDATE rses SET {column} = $v, updated_at = $now WHERE id = $id", context.RequestAborted, ("$v", text), ("$now", RucioTime.Now(time)), ("$id", record.Id));
            }
        }

        return RucioResults.Created();
    }

    private static async Task<IResult> GetAsync(HttpContext context, SandboxDatabase database, string rse)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        var attributes = (await RseStore.AttributesAsync(connection, record.Id, context.RequestAborted)).ToDictionary(a => a.Key, StringComparer.Ordinal);
        var protocols = await RseStore.ProtocolsAsync(connection, record.Id, context.RequestAborted);
        return RucioResults.Object(context, RseSettings.Build(record, attributes, protocols));
    }

    private static async Task<IResult> ListAttributesAsync(HttpContext context, SandboxDatabase database, string rse)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        var result = new PyDict();
        foreach (var attribute in await RseStore.AttributesAsync(connection, record.Id, context.RequestAborted))
        {
            result.Add(attribute.Key, attribute.WireValue);
        }

        return RucioResults.Jsonify(context, result);
    }

    private static async Task<IResult> SetAttributeAsync(HttpContext context, SandboxDatabase database, string rse, string key)
    {
        Permissions.RequireAdmin(context.Issuer(), "add RSE attributes");
        var body = await JsonBody.ReadAsync(context.Request);
        var value = JsonBody.ToPlain(body.Required("value"));
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        await RseStore.SetAttributeAsync(connection, record.Id, key, value, context.RequestAborted);
        return RucioResults.Created();
    }

    private static async Task<IResult> DeleteAttributeAsync(HttpContext context, SandboxDatabase database, string rse, string key)
    {
        Permissions.RequireAdmin(context.Issuer(), "delete RSE attributes");
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        await connection.ExecuteAsync("DELETE FROM rse_attrs WHERE rse_id = $id AND key = $k", context.RequestAborted, ("$id", record.Id), ("$k", key));
        return RucioResults.EmptyOk();
    }

    private static async Task<IResult> ListProtocolsAsync(HttpContext context, SandboxDatabase database, string rse)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        var protocols = await RseStore.ProtocolsAsync(connection, record.Id, context.RequestAborted);
        if (protocols.Count == 0)
        {
            throw new RucioException(StatusCodes.Status404NotFound, "RSEProtocolNotSupported", $"RSE '{rse}' does not support any protocol.");
        }

        return RucioResults.Jsonify(context, protocols.Select(RseSettings.Protocol).ToList());
    }

    private static async Task<IResult> AddProtocolAsync(HttpContext context, RseAdministration administration, string rse, string scheme)
    {
        Permissions.RequireAdmin(context.Issuer(), "add protocols to RSE");
        var body = await JsonBody.ReadAsync(context.Request);
        await administration.AddProtocolAsync(rse, scheme, body, context.RequestAborted);
        return RucioResults.Created();
    }

    private static IResult UsageAsync(HttpContext context, SandboxDatabase database, TimeProvider time, string rse)
        => RucioResults.Stream(context, UsageRows(database, time, rse, context.RequestAborted));

    /// <summary>
    /// Real Rucio reports what abacus-rse last counted; the Sandbox counts the replicas on the RSE live, i.e. as if
    /// the daemon had just run.
    /// </summary>
    private static async IAsyncEnumerable<object?> UsageRows(SandboxDatabase database, TimeProvider time, string rse, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var record = await RseStore.RequireAsync(connection, rse, cancellationToken);
        var (bytes, files) = await connection.FirstOrDefaultAsync(
            "SELECT COALESCE(SUM(bytes), 0), COUNT(*) FROM replicas WHERE rse_id = $id",
            r => Tuple.Create(r.GetInt64(0), r.GetInt64(1)),
            cancellationToken,
            ("$id", record.Id)) ?? Tuple.Create(0L, 0L);
        yield return new PyDict
        {
            { "rse_id", record.Id }, { "source", "rucio" }, { "used", bytes }, { "free", null }, { "total", bytes },
            { "files", files }, { "updated_at", RucioTime.Rfc1123(time.GetUtcNow()) }, { "rse", record.Name },
        };
    }

    private static async Task<IResult> GetLimitsAsync(HttpContext context, SandboxDatabase database, string rse)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        var limits = new PyDict();
        await foreach (var (name, value) in connection.QueryAsync("SELECT name, value FROM rse_limits WHERE rse_id = $id ORDER BY name", r => (r.GetString(0), r.GetInt64(1)), context.RequestAborted, ("$id", record.Id)))
        {
            limits.Add(name, value);
        }

        return RucioResults.Object(context, limits);
    }

    private static async Task<IResult> SetLimitAsync(HttpContext context, SandboxDatabase database, string rse)
    {
        Permissions.RequireAdmin(context.Issuer(), "update RSE limits");
        var body = await JsonBody.ReadAsync(context.Request);
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var record = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        var name = body.String("name");
        if (name is null || body.Optional("value") is not { ValueKind: JsonValueKind.Number } value)
        {
            // What Rucio 1.31 answers for a body without name/value (see transcript 04h).
            throw new RucioException(StatusCodes.Status500InternalServerError, "DatabaseException", "An unknown Database Exception has ocurred.");
        }

        await connection.ExecuteAsync(
            "INSERT INTO rse_limits (rse_id, name, value) VALUES ($id, $n, $v) ON CONFLICT (rse_id, name) DO UPDATE SET value = excluded.value",
            context.RequestAborted,
            ("$id", record.Id),
            ("$n", name),
            ("$v", JsonBody.AsLong(value, "value")));
        return RucioResults.EmptyOk();
    }

    private static async Task<IResult> AddDistanceAsync(HttpContext context, SandboxDatabase database, TimeProvider time, string rse, string destination)
    {
        Permissions.RequireAdmin(context.Issuer(), "add RSE distances");
        var body = await JsonBody.ReadAsync(context.Request, allowEmpty: true);
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var source = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        var target = await RseStore.RequireAsync(connection, destination, context.RequestAborted);
        var now = RucioTime.Now(time);
        await connection.ExecuteAsync(
            "INSERT INTO distances (src_rse_id, dest_rse_id, distance, created_at, updated_at) VALUES ($s, $d, $v, $now, $now) ON CONFLICT DO UPDATE SET distance = excluded.distance, updated_at = excluded.updated_at",
            context.RequestAborted,
            ("$s", source.Id),
            ("$d", target.Id),
            ("$v", body.Long("distance")),
            ("$now", now));
        return RucioResults.Created();
    }

    private static async Task<IResult> GetDistanceAsync(HttpContext context, SandboxDatabase database, string rse, string destination)
    {
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var source = await RseStore.RequireAsync(connection, rse, context.RequestAborted);
        var target = await RseStore.RequireAsync(connection, destination, context.RequestAborted);
        var rows = await connection.ListAsync(
            "SELECT created_at, distance, updated_at FROM distances WHERE src_rse_id = $s AND dest_rse_id = $d",
            r => new PyDict
            {
                { "created_at", RucioTime.Rfc1123(r.GetString(0)) }, { "src_rse_id", source.Id }, { "dest_rse_id", target.Id },
                { "distance", r.Long("distance") }, { "updated_at", RucioTime.Rfc1123(r.GetString(2)) }, { "ranking", r.Long("distance") },
                { "src_rse", source.Name }, { "dest_rse", target.Name },
            },
            context.RequestAborted,
            ("$s", source.Id),
            ("$d", target.Id));
        return RucioResults.Object(context, rows);
    }
}
