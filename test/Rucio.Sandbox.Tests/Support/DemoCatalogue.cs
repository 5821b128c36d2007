using System.Net;
using System.Text.Json;

namespace Rucio.Sandbox.Tests.Support;

/// <summary>One file replica as listed by POST /replicas/list.</summary>
internal sealed record ListedReplica(string Scope, string Name, long Bytes, string Adler32, string Rse, string Pfn, string State);

/// <summary>Discovers what a seeded Sandbox holds through the REST API, so tests do not hard-code the seed's names.</summary>
internal static class DemoCatalogue
{
    public static async Task<List<ListedReplica>> ReplicasAsync(SandboxHost sandbox, string token, CancellationToken cancellationToken)
    {
        using var scopesResponse = await sandbox.SendAsync(HttpMethod.Get, "scopes/", token, null, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, scopesResponse.StatusCode);
        using var scopes = JsonDocument.Parse(await scopesResponse.Content.ReadAsStringAsync(cancellationToken));

        var replicas = new List<ListedReplica>();
        foreach (var scope in scopes.RootElement.EnumerateArray().Select(s => s.GetString()!))
        {
            using var search = await sandbox.SendAsync(HttpMethod.Get, $"dids/{scope}/dids/search?type=file&name=%2A&limit=50", token, null, cancellationToken);
            var names = (await Scenario.ReadNdjsonAsync(search, cancellationToken)).Select(n => n.GetString()!).ToList();
            if (names.Count == 0)
            {
                continue;
            }

            var dids = JsonSerializer.Serialize(new { dids = names.Select(name => new { scope, name }), all_states = true });
            using var listed = await sandbox.SendAsync(HttpMethod.Post, "replicas/list", token, dids, cancellationToken);
            foreach (var file in await Scenario.ReadNdjsonAsync(listed, cancellationToken))
            {
                var states = file.GetProperty("states");
                foreach (var pfn in file.GetProperty("pfns").EnumerateObject())
                {
                    var rse = pfn.Value.GetProperty("rse").GetString()!;
                    replicas.Add(new ListedReplica(
                        scope,
                        file.GetProperty("name").GetString()!,
                        file.GetProperty("bytes").GetInt64(),
                        file.GetProperty("adler32").GetString()!,
                        rse,
                        pfn.Name,
                        states.GetProperty(rse).GetString()!));
                }
            }
        }

        return replicas;
    }
}
