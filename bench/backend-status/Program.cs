using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rucio.Client;

// Replica-mode status of a large dataset through the backend (cold, then warm) against the raw streaming read of the
// two Rucio listings it needs (files + replicas/list of the destination RSE), in the same run; plus the Rucio calls
// of one refresh (from the backend's metrics) and the backend's peak RSS. See bench/run-backend.
var options = Options.Parse(args);
var did = Did.Parse(options.Did);
var rse = options.DestinationRse;

using var rucio = new RucioClient(new RucioClientOptions
{
    BaseUri = options.RucioUrl,
    Account = "root",
    Credential = RucioCredential.UserPass("ddmlab", "secret"),
    Timeout = TimeSpan.FromMinutes(5),
});
await rucio.Auth.GetTokenAsync();
if (options.MakeAvailable)
{
    await EnsureAvailableAsync(rucio, did, rse, options.AvailableTimeout);
}

using var backend = new HttpClient { BaseAddress = options.BackendUrl, Timeout = TimeSpan.FromMinutes(10) };
await SendAsync(backend, HttpMethod.Put, "/rucio-jupyterlab/auth",
    new { @namespace = "sandbox", type = "userpass", @params = new { username = "ddmlab", password = "secret", account = "root" } });
await SendAsync(backend, HttpMethod.Put, "/rucio-jupyterlab/instances", new { instance = "sandbox", auth = "userpass" });

// One unmeasured raw read warms the Sandbox's page cache, so neither side is measured against a cold disk.
await RawReadAsync(rucio, did, rse);
var rawCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
var rawServerCpuStart = ProcessorTime(options.RucioPid);
var rawBefore = await Time(() => RawReadAsync(rucio, did, rse));
var rawCpu = Process.GetCurrentProcess().TotalProcessorTime - rawCpuStart;
var rawServerCpu = ProcessorTime(options.RucioPid) - rawServerCpuStart;
var statusPath = $"/rucio-jupyterlab/did/status?namespace=sandbox&did={Uri.EscapeDataString(did.ToString())}&limit=200";
// The raw side runs with its code already JIT-compiled (the unmeasured read above); a running backend has served other
// DIDs before, so its code paths are compiled too. One small DID warms them; "cold" below is about the cache, not the JIT.
var jitWarmup = options.WarmupDid is { } warmupDid
    ? await Time(async () => await GetJsonAsync(backend, $"/rucio-jupyterlab/did/status?namespace=sandbox&did={Uri.EscapeDataString(warmupDid)}&limit=200"))
    : default;
var coldCpuStart = ProcessorTime(options.BackendPid);
var coldServerCpuStart = ProcessorTime(options.RucioPid);
var cold = await Time(async () => await GetJsonAsync(backend, statusPath));
var coldCpu = ProcessorTime(options.BackendPid) - coldCpuStart;
var coldServerCpu = ProcessorTime(options.RucioPid) - coldServerCpuStart;
var rawAfter = await Time(() => RawReadAsync(rucio, did, rse));
var raw = TimeSpan.FromTicks(Math.Min(rawBefore.Elapsed.Ticks, rawAfter.Elapsed.Ticks));

var warm = new List<TimeSpan>();
for (var i = 0; i < options.WarmRounds; i++)
{
    warm.Add((await Time(async () => await GetJsonAsync(backend, statusPath))).Elapsed);
}

var before = await RucioCallsAsync(backend);
var secondsBefore = await RucioSecondsAsync(backend);
var refreshCpuStart = ProcessorTime(options.BackendPid);
var refresh = await Time(async () => await GetJsonAsync(backend, statusPath + "&refresh=1"));
var refreshCpu = ProcessorTime(options.BackendPid) - refreshCpuStart;
var after = await RucioCallsAsync(backend);
var secondsAfter = await RucioSecondsAsync(backend);
var calls = after.Where(c => c.Value != before.GetValueOrDefault(c.Key)).ToDictionary(c => c.Key, c => c.Value - before.GetValueOrDefault(c.Key));
var fullList = await Time(async () => (await backend.GetStringAsync($"/rucio-jupyterlab/did?namespace=sandbox&did={Uri.EscapeDataString(did.ToString())}")).Length);

var body = cold.Result;
var rss = PeakRss(options.BackendPid);
warm.Sort();
var ratio = cold.Elapsed / raw;
Console.WriteLine();
Console.WriteLine($"dataset                  {did}: {body["files_total"]} files, status {body["status"]}, {body["counts"]!["ok"]} OK on {rse}");
Console.WriteLine($"raw listings (files + replicas/list of {rse}, concurrent, best of 2): {raw.TotalSeconds:F2} s ({rawBefore.Result:N0} + replicas)");
if (options.WarmupDid is not null)
{
    Console.WriteLine($"backend JIT warm-up      {jitWarmup.Elapsed.TotalSeconds,8:F2} s   (first request of the process: did/status of {options.WarmupDid})");
}

Console.WriteLine($"backend cold did/status  {cold.Elapsed.TotalSeconds,8:F2} s   ratio {ratio:F2} (goal <= 1.3)");
Console.WriteLine($"backend refresh=1        {refresh.Elapsed.TotalSeconds,8:F2} s   ratio {refresh.Elapsed / raw:F2}");
// CPU time is steadier than wall time on a shared machine; the Rucio server's share shows when it, not the backend, made a run slower.
Console.WriteLine($"CPU time                 raw read {rawCpu.TotalSeconds:F2} s, backend cold {Seconds(coldCpu)}, refresh {Seconds(refreshCpu)}; Rucio server during raw read {Seconds(rawServerCpu)}, during cold {Seconds(coldServerCpu)}");
Console.WriteLine($"backend warm did/status  median {Ms(warm[warm.Count / 2])} ms, p95 {Ms(warm[(int)(warm.Count * 0.95)])} ms, max {Ms(warm[^1])} ms over {warm.Count} (goal < 50 ms)");
Console.WriteLine($"backend full 'did' list  {fullList.Elapsed.TotalSeconds,8:F2} s   ({fullList.Result / 1048576.0:F1} MiB of JSON)");
Console.WriteLine($"Rucio calls per refresh  {calls.Values.Sum()}: {string.Join(", ", calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} x{c.Value} ({secondsAfter.GetValueOrDefault(c.Key) - secondsBefore.GetValueOrDefault(c.Key):F2} s)"))}");
Console.WriteLine($"backend peak RSS         {(rss is { } r ? $"{r / 1024.0:F0} MiB" : "unknown")} (goal < 250 MiB)");
return 0;

static async Task<long> RawReadAsync(RucioClient rucio, Did did, string rse)
{
    var files = Task.Run(async () =>
    {
        long count = 0;
        await foreach (var _ in rucio.Dids.ListFilesAsync(did))
        {
            count++;
        }

        return count;
    });
    var replicas = Task.Run(async () =>
    {
        long count = 0;
        await foreach (var _ in rucio.Replicas.ListAsync(new ReplicaListRequest { Dids = [did], RseExpression = rse, ClientLocation = new ClientLocation { Site = "CERN" } }))
        {
            count++;
        }

        return count;
    });
    await Task.WhenAll(files, replicas);
    return await files;
}

static async Task EnsureAvailableAsync(RucioClient rucio, Did did, string rse, TimeSpan timeout)
{
    var rule = await rucio.Dids.ListRulesAsync(did).FirstOrDefaultAsync(r => r.RseExpression == rse && r.Account == "root");
    if (rule is null)
    {
        // The Sandbox's transfer worker copies about ten files a second; for a benchmark of the status (which never
        // reads the files) the replicas are registered on the destination directly, then the rule finds them there.
        Console.WriteLine($"registering the replicas of {did} on {rse}");
        var batch = new List<FileRegistration>();
        await foreach (var file in rucio.Dids.ListFilesAsync(did))
        {
            batch.Add(new FileRegistration(file.Did, file.Bytes ?? 0, file.Adler32));
            if (batch.Count == 1000)
            {
                await rucio.Replicas.AddAsync(rse, batch);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await rucio.Replicas.AddAsync(rse, batch);
        }

        await rucio.Rules.AddAsync(new RuleCreateOptions { Dids = [did], RseExpression = rse });
        rule = await rucio.Dids.ListRulesAsync(did).FirstAsync(r => r.RseExpression == rse && r.Account == "root");
    }

    var watch = Stopwatch.StartNew();
    while ((rule = await rucio.Rules.GetAsync(rule.Id)).State != RuleState.Ok)
    {
        if (watch.Elapsed > timeout)
        {
            throw new TimeoutException($"Rule {rule.Id} is still {rule.State} ({rule.LocksOkCount} files OK) after {timeout}.");
        }

        Console.WriteLine($"waiting for {did} on {rse}: {rule.LocksOkCount:N0} OK, {rule.LocksReplicatingCount:N0} replicating");
        await Task.Delay(TimeSpan.FromSeconds(10));
    }
}

static async Task<(T Result, TimeSpan Elapsed)> TimeResult<T>(Func<Task<T>> action)
{
    var watch = Stopwatch.StartNew();
    var result = await action();
    return (result, watch.Elapsed);
}

static Task<(T Result, TimeSpan Elapsed)> Time<T>(Func<Task<T>> action) => TimeResult(action);

static async Task<JsonNode> GetJsonAsync(HttpClient http, string path)
{
    using var response = await http.GetAsync(path);
    var text = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode ? JsonNode.Parse(text)! : throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
}

static async Task SendAsync(HttpClient http, HttpMethod method, string path, object body)
{
    using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
    using var response = await http.SendAsync(request);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

static async Task<Dictionary<string, long>> RucioCallsAsync(HttpClient http)
{
    var text = await http.GetStringAsync("/rucio-jupyterlab/metrics");
    var calls = new Dictionary<string, long>(StringComparer.Ordinal);
    foreach (Match match in Regex.Matches(text, "^rucio_jupyterlab_rucio_calls_total\\{endpoint=\"([^\"]+)\",outcome=\"[^\"]+\"\\} (\\d+)$", RegexOptions.Multiline))
    {
        calls[match.Groups[1].Value] = calls.GetValueOrDefault(match.Groups[1].Value) + long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    return calls;
}

static async Task<Dictionary<string, double>> RucioSecondsAsync(HttpClient http)
{
    var text = await http.GetStringAsync("/rucio-jupyterlab/metrics");
    return Regex.Matches(text, "^rucio_jupyterlab_rucio_call_duration_seconds_sum\\{endpoint=\"([^\"]+)\"\\} (\\S+)$", RegexOptions.Multiline)
        .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);
}

static long? PeakRss(int pid)
{
    var status = $"/proc/{pid}/status";
    return File.Exists(status) && File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line
        ? long.Parse(Regex.Match(line, "\\d+").Value, CultureInfo.InvariantCulture)
        : null;
}

// utime + stime of /proc/{pid}/stat, in clock ticks (USER_HZ, 100 on Linux); null where /proc is missing.
static TimeSpan? ProcessorTime(int pid)
{
    var stat = $"/proc/{pid}/stat";
    if (!File.Exists(stat))
    {
        return null;
    }

    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    var text = File.ReadAllText(stat);
    var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
    var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    return TimeSpan.FromSeconds(ticks / 100.0);
}

static string Seconds(TimeSpan? time) => time is { } t ? $"{t.TotalSeconds:F2} s" : "unknown";

static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture);

internal sealed record Options(
    Uri RucioUrl, Uri BackendUrl, int BackendPid, int RucioPid, string Did, string DestinationRse, int WarmRounds, bool MakeAvailable, TimeSpan AvailableTimeout, string? WarmupDid)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string Get(string key, string? fallback = null) =>
            values.GetValueOrDefault(key) ?? fallback ?? throw new ArgumentException($"missing {key}");
        return new Options(
            new Uri(Get("--rucio")),
            new Uri(Get("--backend")),
            int.Parse(Get("--backend-pid"), CultureInfo.InvariantCulture),
            int.Parse(Get("--rucio-pid", "0"), CultureInfo.InvariantCulture),
            Get("--did"),
            Get("--rse", "CERN-EOS"),
            int.Parse(Get("--warm-rounds", "30"), CultureInfo.InvariantCulture),
            Get("--make-available", "yes") == "yes",
            TimeSpan.FromMinutes(double.Parse(Get("--available-timeout-minutes", "30"), CultureInfo.InvariantCulture)),
            Get("--warmup-did", "user.root:analysis_inputs") is var warmup && warmup != "none" ? warmup : null);
    }
}
