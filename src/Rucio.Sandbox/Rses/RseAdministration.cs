using System.Text.RegularExpressions;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Storage;

namespace Rucio.Sandbox.Rses;

/// <summary>What an RSE is created with (the JSON body of POST /rses/{rse}).</summary>
internal sealed record RseDefinition(
    bool Deterministic = true,
    bool Volatile = false,
    string RseType = "DISK",
    bool StagingArea = false,
    string? City = null,
    string? RegionCode = null,
    string? CountryName = null,
    string? Continent = null,
    string? TimeZone = null,
    string? Isp = null,
    string? Asn = null,
    double? Longitude = null,
    double? Latitude = null,
    bool AvailabilityRead = true,
    bool AvailabilityWrite = true,
    bool AvailabilityDelete = true,
    string? QosClass = null);

/// <summary>Creates RSEs and protocols (shared by the REST endpoints and the seeding).</summary>
internal sealed partial class RseAdministration(SandboxDatabase database, StorageLayout storage, TimeProvider time)
{
    [GeneratedRegex("^([A-Z0-9]+([_-][A-Z0-9]+)*)$")]
    private static partial Regex RseNamePattern();

    public Task AddRseAsync(string name, JsonBody body, CancellationToken cancellationToken)
    {
        var availability = body.Long("availability");
        var definition = new RseDefinition(
            Deterministic: body.Bool("deterministic") ?? true,
            Volatile: body.Bool("volatile") ?? false,
            RseType: body.String("rse_type") ?? "DISK",
            StagingArea: body.Bool("staging_area") ?? false,
            City: body.String("city"),
            RegionCode: body.String("region_code"),
            CountryName: body.String("country_name"),
            Continent: body.String("continent"),
            TimeZone: body.String("time_zone"),
            Isp: body.String("ISP"),
            Asn: body.String("ASN"),
            Longitude: body.Optional("longitude")?.GetDouble(),
            Latitude: body.Optional("latitude")?.GetDouble(),
            AvailabilityRead: body.Bool("availability_read") ?? (availability is null || (availability & 4) != 0),
            AvailabilityWrite: body.Bool("availability_write") ?? (availability is null || (availability & 2) != 0),
            AvailabilityDelete: body.Bool("availability_delete") ?? (availability is null || (availability & 1) != 0),
            QosClass: body.String("qos_class"));
        return AddRseAsync(name, definition, cancellationToken);
    }

    public async Task<RseRecord> AddRseAsync(string name, RseDefinition definition, CancellationToken cancellationToken)
    {
        if (!RseNamePattern().IsMatch(name))
        {
            throw RucioException.InvalidObject($"Problem validating rse : '{name}' does not match '^([A-Z0-9]+([_-][A-Z0-9]+)*)$'");
        }

        if (definition.RseType is not ("DISK" or "TAPE"))
        {
            throw RucioException.InvalidObject($"Problem validating rse_type : '{definition.RseType}' is not one of ['DISK', 'TAPE']");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await RseStore.FindAsync(connection, name, cancellationToken) is not null)
        {
            throw new RucioException(StatusCodes.Status409Conflict, "Duplicate", $"RSE '{name}' already exists!");
        }

        var id = Guid.NewGuid().ToString("N");
        var now = RucioTime.Now(time);
        await connection.ExecuteAsync(
            """
            INSERT INTO rses (id, rse, rse_type, deterministic, volatile, staging_area, city, region_code, country_name,
                continent, time_zone, isp, asn, longitude, latitude, availability_read, availability_write,
                availability_delete, qos_class, created_at, updated_at)
            VALUES ($id, $rse, $type, $det, $vol, $stage, $city, $region, $country, $continent, $tz, $isp, $asn,
                $lon, $lat, $ar, $aw, $ad, $qos, $now, $now)
            """,
            cancellationToken,
            ("$id", id), ("$rse", name), ("$type", definition.RseType), ("$det", definition.Deterministic ? 1 : 0),
            ("$vol", definition.Volatile ? 1 : 0), ("$stage", definition.StagingArea ? 1 : 0), ("$city", definition.City),
            ("$region", definition.RegionCode), ("$country", definition.CountryName), ("$continent", definition.Continent),
            ("$tz", definition.TimeZone), ("$isp", definition.Isp), ("$asn", definition.Asn), ("$lon", definition.Longitude),
            ("$lat", definition.Latitude), ("$ar", definition.AvailabilityRead ? 1 : 0), ("$aw", definition.AvailabilityWrite ? 1 : 0),
            ("$ad", definition.AvailabilityDelete ? 1 : 0), ("$qos", definition.QosClass), ("$now", now));

        // Rucio tags every RSE with its own name and copies the location fields into attributes.
        await RseStore.SetAttributeAsync(connection, id, name, true, cancellationToken);
        foreach (var (key, value) in new (string, string?)[]
        {
            ("city", definition.City), ("country_name", definition.CountryName), ("region_code", definition.RegionCode),
            ("continent", definition.Continent), ("time_zone", definition.TimeZone), ("ISP", definition.Isp), ("ASN", definition.Asn),
        })
        {
            if (value is not null)
            {
                await RseStore.SetAttributeAsync(connection, id, key, value, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        Directory.CreateDirectory(storage.RseDirectory(name));
        return (await RseStore.FindByIdAsync(connection, id, cancellationToken))!;
    }

    public async Task AddProtocolAsync(string rse, string scheme, JsonBody body, CancellationToken cancellationToken)
    {
        var domains = body.Optional("domains");
        int Priority(string domain, string operation, int fallback)
            => domains is { } d && d.TryGetProperty(domain, out var section) && section.TryGetProperty(operation, out var value) && value.TryGetInt32(out var number)
                ? number
                : fallback;
        var protocol = new RseProtocol(
            body.String("scheme") ?? scheme,
            body.String("hostname") ?? "localhost",
            body.Long("port") ?? 0,
            body.String("prefix"),
            body.String("impl") ?? throw RucioException.InvalidObject("Problem validating protocol : 'impl' is a required property"),
            Priority("lan", "read", 0), Priority("lan", "write", 0), Priority("lan", "delete", 0),
            Priority("wan", "read", 0), Priority("wan", "write", 0), Priority("wan", "delete", 0),
            Priority("wan", "third_party_copy_read", 0), Priority("wan", "third_party_copy_write", 0),
            body.Optional("extended_attributes") is { } ext ? ext.GetRawText() : null,
            SandboxServed: false);
        await AddProtocolAsync(rse, protocol, cancellationToken);
    }

    public async Task AddProtocolAsync(string rse, RseProtocol protocol, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var record = await RseStore.RequireAsync(connection, rse, cancellationToken);
        var existing = await RseStore.ProtocolsAsync(connection, record.Id, cancellationToken);
        if (existing.Any(p => p.Scheme == protocol.Scheme && p.Hostname == protocol.Hostname && p.Port == protocol.Port))
        {
            throw new RucioException(
                StatusCodes.Status409Conflict,
                "Duplicate",
                $"Protocol '{protocol.Scheme}' on port {protocol.Port} already registered for  '{rse}' with hostname '{protocol.Hostname}'.");
        }

        await RseStore.AddProtocolAsync(connection, record.Id, protocol, cancellationToken);
    }
}
