using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rucio.DataLake.Core.Clients;
using Rucio.JupyterLab.Server.Hosting;

namespace Rucio.JupyterLab.Server.Tests.Support;

/// <summary>The backend built exactly as Program.cs builds it, started in-process on a loopback port.</summary>
internal sealed class BackendHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _directory;

    private BackendHost(WebApplication app, TempDirectory directory, HttpClient http, LogCapture logs, StringWriter ready)
    {
        _app = app;
        _directory = directory;
        Http = http;
        Logs = logs;
        ReadyOutput = ready;
    }

    public HttpClient Http { get; }

    public LogCapture Logs { get; }

    public StringWriter ReadyOutput { get; }

    /// <summary>The fake home directory (file browser root) of this backend.</summary>
    public string Home => _directory.Combine("home");

    public string DataDirectory => _directory.Combine("data");

    public IServiceProvider Services => _app.Services;

    /// <param name="configJson">The --config document; null for none.</param>
    /// <param name="environment">Variables visible to the configuration reader (HOME is added).</param>
    /// <param name="extraArgs">More command-line flags.</param>
    public static async Task<BackendHost> StartAsync(
        string? configJson,
        IReadOnlyDictionary<string, string>? environment = null,
        IEnumerable<string>? extraArgs = null)
    {
        var directory = new TempDirectory();
        Directory.CreateDirectory(directory.Combine("home"));
        var extra = extraArgs?.ToList() ?? [];
        var args = new List<string> { "--urls", "http://127.0.0.1:0", "--log-level", "debug" };
        if (!extra.Contains("--data-dir"))
        {
            args.AddRange(["--data-dir", directory.Combine("data")]);
        }

        if (configJson is not null)
        {
            args.AddRange(["--config", directory.WriteFile("config.json", configJson)]);
        }

        args.AddRange(extra);
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["HOME"] = directory.Combine("home") };
        var logs = new LogCapture();
        var ready = new StringWriter();
        var app = await BackendApp.BuildAsync([.. args], new BackendOverrides
        {
            Environment = variables,
            ReadyOutput = ready,
            Logging = logging => logging.AddProvider(logs),
            // Fail fast when a test takes Rucio down; production keeps the defaults.
            ClientFactory = new RucioClientFactoryOptions { Timeout = TimeSpan.FromSeconds(10), MaxRetries = 0 },
        });
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        return new BackendHost(app, directory, http, logs, ready);
    }

    /// <summary>A configuration with one replica-mode instance named "sandbox" pointing at <paramref name="rucio"/>.</summary>
    public static string SandboxConfig(Uri rucio, string extraInstanceKeys = "", string extraGlobals = "") =>
        $$$"""
        {"RucioConfig": {
          "instances": [{
            "name": "sandbox", "display_name": "Sandbox", "mode": "replica",
            "rucio_base_url": "{{{rucio.GetLeftPart(UriPartial.Authority)}}}",
            "destination_rse": "CERN-EOS", "rse_mount_path": "/eos/rucio", "path_begins_at": 0,
            "site_name": "CERN", "vo": "def" {{{extraInstanceKeys}}}
          }] {{{extraGlobals}}}
        }}
        """;

    public async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<(int Status, JsonNode? Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    /// <summary>Saves userpass credentials through PUT auth and selects them (the panel's "Save Settings").</summary>
    public async Task LoginAsync(string instance = "sandbox", string username = "ddmlab", string password = "secret", string? account = "root")
    {
        var (status, body) = await SendAsync(HttpMethod.Put, "/rucio-jupyterlab/auth",
            new { @namespace = instance, type = "userpass", @params = new { username, password, account } });
        if (status != 200)
        {
            throw new InvalidOperationException($"Login failed: {status} {body}");
        }

        (status, body) = await SendAsync(HttpMethod.Put, "/rucio-jupyterlab/instances", new { instance, auth = "userpass" });
        if (status != 200)
        {
            throw new InvalidOperationException($"Selecting the instance failed: {status} {body}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _directory.Dispose();
    }
}
