namespace Rucio.Sandbox.Rses;

/// <summary>One storage element as the catalogue knows it.</summary>
internal sealed record RseRecord(
    string Id,
    string Name,
    string RseType,
    bool Deterministic,
    bool Volatile,
    bool StagingArea,
    bool AvailabilityRead,
    bool AvailabilityWrite,
    bool AvailabilityDelete,
    string? QosClass)
{
    /// <summary>Rucio's availability bit field (read=4, write=2, delete=1).</summary>
    public int Availability => (AvailabilityRead ? 4 : 0) + (AvailabilityWrite ? 2 : 0) + (AvailabilityDelete ? 1 : 0);
}

/// <summary>An RSE attribute value: Rucio keeps booleans as booleans and everything else as text.</summary>
internal sealed record RseAttribute(string Key, string? Text, bool IsBool)
{
    public object? WireValue => IsBool ? string.Equals(Text, "True", StringComparison.OrdinalIgnoreCase) : Text;
}

/// <summary>An access protocol of an RSE, with the per-domain priorities Rucio calls "domains".</summary>
internal sealed record RseProtocol(
    string Scheme,
    string Hostname,
    long Port,
    string? Prefix,
    string Impl,
    int ReadLan,
    int WriteLan,
    int DeleteLan,
    int ReadWan,
    int WriteWan,
    int DeleteWan,
    int ThirdPartyCopyRead,
    int ThirdPartyCopyWrite,
    string? ExtendedAttributes,
    bool SandboxServed)
{
    /// <summary>Prefix with exactly one leading and trailing slash, as Rucio's protocol classes normalise it.</summary>
    public string NormalizedPrefix
    {
        get
        {
            var prefix = (Prefix ?? string.Empty).Trim('/');
            return prefix.Length == 0 ? "/" : "/" + prefix + "/";
        }
    }

    /// <summary>scheme://host[:port]/prefix/path (port 0 is left out, as the posix protocol does).</summary>
    public string Pfn(string path)
        => $"{Scheme}://{Hostname}{(Port != 0 ? ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}{NormalizedPrefix}{path.TrimStart('/')}";

    public Infrastructure.PyDict Domains => new()
    {
        { "lan", new Infrastructure.PyDict { { "read", ReadLan }, { "write", WriteLan }, { "delete", DeleteLan } } },
        {
            "wan", new Infrastructure.PyDict
            {
                { "read", ReadWan }, { "write", WriteWan }, { "delete", DeleteWan },
                { "third_party_copy_read", ThirdPartyCopyRead }, { "third_party_copy_write", ThirdPartyCopyWrite },
            }
        },
    };
}
