using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Rucio.Client;

// Streams the replicas of one large dataset through Rucio.Client and through a plain HttpClient reading the same
// bytes, alternating the two so both see the same server state, and prints rates, their ratio and memory.
var options = BenchOptions.Parse(args);
var did = Did.Parse(options.Did);

using var client = new RucioClient(new RucioClientOptions
{
    BaseUri = options.Url,
    Account = options.Account,
    Credential = RucioCredential.UserPass(options.Username, options.Password),
    Timeout = TimeSpan.FromMinutes(5),
});
var token = await client.Auth.GetTokenAsync();

using var raw = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromMinutes(5) };
var body = $$"""{"dids": [{"scope": "{{did.Scope}}", "name": "{{did.Name}}"}], "all_states": false}""";

// One unmeasured pass of each warms the JIT, the connection pool and the server's page cache.
await ReadRawAsync(raw, token.Value, body);
await ReadWithClientAsync(client, did);

var heap = new HeapSampler();
var clientRuns = new List<Run>();
var rawRuns = new List<Run>();
for (var round = 0; round < options.Rounds; round++)
{
    rawRuns.Add(await Measure("raw", () => ReadRawAsync(raw, token.Value, body)));
    clientRuns.Add(await Measure("client", () => ReadWithClientAsync(client, did)));
}

var rawRate = Median(rawRuns.Select(r => r.EntriesPerSecond));
var clientRate = Median(clientRuns.Select(r => r.EntriesPerSecond));
Console.WriteLine();
Console.WriteLine($"dataset                 {did} ({clientRuns[0].Entries:N0} files)");
Console.WriteLine($"raw HttpClient          {rawRate,12:N0} entries/s (median of {options.Rounds})");
Console.WriteLine($"Rucio.Client            {clientRate,12:N0} entries/s (median of {options.Rounds})");
Console.WriteLine($"ratio client/raw        {clientRate / rawRate,12:F2}   (goal >= 0.80)");
Console.WriteLine($"peak managed heap       {heap.PeakBytes / 1048576.0,12:F1} MiB while streaming");
Console.WriteLine($"peak working set        {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0,12:F1} MiB (whole process)");
return clientRuns.All(r => r.Entries == rawRuns[0].Entries) ? 0 : 1;

async Task<Run> Measure(string label, Func<Task<long>> read)
{
    GC.Collect();
    heap.Start();
    var watch = Stopwatch.StartNew();
    var entries = await read();
    watch.Stop();
    heap.Stop();
    var run = new Run(entries, watch.Elapsed);
    Console.WriteLine($"{label,-7} {entries,9:N0} entries in {watch.Elapsed.TotalSeconds,6:F2} s = {run.EntriesPerSecond,10:N0}/s");
    return run;
}

static async Task<long> ReadWithClientAsync(RucioClient client, Did did)
{
    long count = 0;
    await foreach (var replica in client.Replicas.ListAsync(new ReplicaListRequest { Dids = [did] }))
    {
        if (replica.Name.Length > 0)
        {
            count++;
        }
    }

    return count;
}

static async Task<long> ReadRawAsync(HttpClient http, string token, string body)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "replicas/list")
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };
    request.Headers.Add("X-Rucio-Auth-Token", token);
    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-json-stream"));
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    await using var stream = await response.Content.ReadAsStreamAsync();
    var buffer = new byte[64 * 1024];
    long lines = 0;
    int read;
    while ((read = await stream.ReadAsync(buffer)) > 0)
    {
        lines += buffer.AsSpan(0, read).Count((byte)'\n');
    }

    return lines;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

internal sealed record Run(long Entries, TimeSpan Elapsed)
{
    public double EntriesPerSecond => Entries / Elapsed.TotalSeconds;
}

/// <summary>Samples the managed heap every 10 ms: the figure that shows whether a listing is streamed or buffered.</summary>
internal sealed class HeapSampler
{
    private Timer? _timer;

    public long PeakBytes { get; private set; }

    public void Start() => _timer = new Timer(_ => PeakBytes = Math.Max(PeakBytes, GC.GetTotalMemory(false)), null, 0, 10);

    public void Stop() => _timer?.Dispose();
}

internal sealed record BenchOptions(Uri Url, string Did, string Account, string Username, string Password, int Rounds)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        if (!values.TryGetValue("--url", out var url))
        {
            Console.Error.WriteLine("usage: Rucio.Bench --url http://127.0.0.1:PORT [--did user.root:large_100000] [--rounds 3]");
            Environment.Exit(2);
        }

        return new BenchOptions(
            new Uri(url.TrimEnd('/') + "/"),
            values.GetValueOrDefault("--did", "user.root:large_100000"),
            values.GetValueOrDefault("--account", "root"),
            values.GetValueOrDefault("--username", "ddmlab"),
            values.GetValueOrDefault("--password", "secret"),
            int.Parse(values.GetValueOrDefault("--rounds", "3"), CultureInfo.InvariantCulture));
    }
}
