using System.Net.Http.Headers;
using System.Text;
using Rucio.Client;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.JupyterLab.Server.Tests.Support;

/// <summary>
/// Creates fresh datasets in the Sandbox as root (ddmlab/secret): real bytes written to DESY-DCACHE through the
/// Sandbox's storage endpoint, then registered and attached, so the Sandbox's transfer worker can really copy them.
/// Every test gets its own names, so tests never see each other's rules.
/// </summary>
internal static class SandboxData
{
    public const string SourceRse = "DESY-DCACHE";

    public static RucioClient RootClient(Uri sandbox) => new(new RucioClientOptions
    {
        BaseUri = sandbox,
        Account = "root",
        Credential = RucioCredential.UserPass("ddmlab", "secret"),
        Retry = new RetryOptions { MaxRetries = 0 },
    });

    /// <summary>A dataset <c>user.root:&lt;prefix&gt;_&lt;random&gt;</c> with files of the given names and sizes on DESY-DCACHE.</summary>
    public static async Task<Did> CreateDatasetAsync(Uri sandbox, string prefix, params (string Name, int Bytes)[] files)
    {
        using var client = RootClient(sandbox);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var dataset = new Did("user.root", $"{prefix}_{suffix}");
        await client.Dids.AddDatasetAsync(dataset);
        var token = (await client.Auth.GetTokenAsync()).Value;
        using var http = new HttpClient { BaseAddress = sandbox };
        var registrations = new List<FileRegistration>();
        foreach (var (name, size) in files)
        {
            var did = new Did("user.root", $"{suffix}.{name}");
            var content = Encoding.ASCII.GetBytes(new string('x', size));
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/storage/{SourceRse}/{StoragePaths.DeterministicPath(did.Scope, did.Name)}")
            {
                Content = new ByteArrayContent(content),
            };
            put.Headers.Add("X-Rucio-Auth-Token", token);
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await http.SendAsync(put);
            response.EnsureSuccessStatusCode();
            var adler = new Adler32();
            adler.Append(content);
            registrations.Add(new FileRegistration(did, size, adler.Hex));
        }

        await client.Dids.AttachAsync(dataset, SourceRse, registrations);
        return dataset;
    }
}
