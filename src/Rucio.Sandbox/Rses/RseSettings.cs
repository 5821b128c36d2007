using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Rses;

/// <summary>The "rse_settings" document of GET /rses/{rse} and the protocol dicts inside it.</summary>
internal static class RseSettings
{
    public static PyDict Build(RseRecord rse, IReadOnlyDictionary<string, RseAttribute> attributes, IEnumerable<RseProtocol> protocols)
    {
        object? Attribute(string key, object? fallback) => attributes.TryGetValue(key, out var a) ? a.WireValue : fallback;
        return new PyDict
        {
            { "availability_delete", rse.AvailabilityDelete },
            { "availability_read", rse.AvailabilityRead },
            { "availability_write", rse.AvailabilityWrite },
            { "credentials", null },
            { "deterministic", rse.Deterministic },
            { "domain", new[] { "lan", "wan" } },
            { "id", rse.Id },
            { "lfn2pfn_algorithm", Attribute("lfn2pfn_algorithm", "hash") },
            { "protocols", protocols.Select(SettingsProtocol).ToList() },
            { "qos_class", rse.QosClass },
            { "rse", rse.Name },
            { "rse_type", rse.RseType },
            { "sign_url", Attribute("sign_url", null) },
            { "staging_area", rse.StagingArea },
            { "verify_checksum", Attribute("verify_checksum", true) },
            { "volatile", rse.Volatile },
            { "read_protocol", 1 },
            { "write_protocol", 1 },
            { "delete_protocol", 1 },
            { "third_party_copy_read_protocol", 1 },
            { "third_party_copy_write_protocol", 1 },
            { "availability", rse.Availability },
        };
    }

    /// <summary>Protocol as embedded in rse_settings (this key order).</summary>
    private static PyDict SettingsProtocol(RseProtocol protocol) => new()
    {
        { "hostname", protocol.Hostname },
        { "scheme", protocol.Scheme },
        { "port", protocol.Port },
        { "prefix", protocol.Prefix },
        { "impl", protocol.Impl },
        { "domains", protocol.Domains },
        { "extended_attributes", protocol.ExtendedAttributes },
    };

    /// <summary>Protocol as listed by GET /rses/{rse}/protocols (jsonify sorts the keys anyway).</summary>
    public static PyDict Protocol(RseProtocol protocol) => SettingsProtocol(protocol);
}
