using System.Globalization;
using System.Text.Json;
using Rucio.Sandbox.Tests.Replay;

namespace Rucio.Sandbox.Tests.Comparison;

/// <summary>
/// Compares PFNs by structure. The recording's PFNs start with the protocol prefixes replayed in 05_* (e.g.
/// <c>file://localhost/srv/rucio/rse1/</c>); the Sandbox keeps its files under its own data directory, so only the
/// scheme and the part after the prefix (the deterministic hash path <c>user/root/90/11/file1.dat</c>) must agree.
/// </summary>
internal sealed class PfnStructure
{
    private readonly List<string> _recordedPrefixes;

    private PfnStructure(List<string> recordedPrefixes) =>
        _recordedPrefixes = [.. recordedPrefixes.OrderByDescending(p => p.Length)];

    public static PfnStructure FromProtocolDefinitions(IEnumerable<Transcript> transcripts)
    {
        var prefixes = new List<string>();
        foreach (var exchange in transcripts.SelectMany(t => t.Exchanges))
        {
            var request = exchange.Request;
            if (request.Method != "POST" || !request.PathAndQuery.Contains("/protocols/", StringComparison.Ordinal))
            {
                continue;
            }

            using var protocol = JsonDocument.Parse(request.Body);
            var root = protocol.RootElement;
            var port = root.GetProperty("port").GetInt32();
            prefixes.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{root.GetProperty("scheme").GetString()}://{root.GetProperty("hostname").GetString()}{(port > 0 ? $":{port}" : "")}{root.GetProperty("prefix").GetString()}"));
        }

        return new PfnStructure(prefixes);
    }

    /// <summary>The hash path of a recorded PFN, or null when the string is not a PFN of a recorded protocol.</summary>
    public string? RelativePathOf(string recorded)
    {
        var prefix = _recordedPrefixes.FirstOrDefault(p => recorded.StartsWith(p, StringComparison.Ordinal));
        return prefix is null ? null : recorded[prefix.Length..].TrimStart('/');
    }

    public bool IsPfn(string recorded) => RelativePathOf(recorded) is not null;

    /// <summary>Null when <paramref name="live"/> has the structure of <paramref name="recorded"/>, else the problem.</summary>
    public string? Check(string recorded, string live)
    {
        var relative = RelativePathOf(recorded) ?? throw new ArgumentException("not a recorded PFN", nameof(recorded));
        var scheme = recorded[..recorded.IndexOf("://", StringComparison.Ordinal)];
        if (!Uri.TryCreate(live, UriKind.Absolute, out var uri))
        {
            return $"PFN '{live}' is not an absolute URI (recorded '{recorded}')";
        }

        if (!uri.Scheme.Equals(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return $"PFN scheme '{uri.Scheme}' instead of '{scheme}' ('{live}')";
        }

        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        return path.EndsWith("/" + relative, StringComparison.Ordinal)
            ? null
            : $"PFN '{live}' does not end with the hash path '{relative}' of '{recorded}'";
    }
}
