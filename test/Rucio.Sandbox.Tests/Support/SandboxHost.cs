using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;

namespace Rucio.Sandbox.Tests.Support;

/// <summary>A Sandbox on a free loopback port with its own temporary data directory, removed on dispose.</summary>
internal sealed class SandboxHost : IAsyncDisposable
{
    public const string TokenHeader = "X-Rucio-Auth-Token";

    private readonly WebApplication _app;

    private SandboxHost(WebApplication app, string dataDirectory, string baseUrl)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseUrl = baseUrl;
        Client = CreateClient(baseUrl);
    }

    public string DataDirectory { get; }

    public string BaseUrl { get; }

    /// <summary>Where the Sandbox stores an RSE's files: DIR/rses/&lt;RSE&gt;.</summary>
    public string RseDirectory(string rse) => Path.Combine(DataDirectory, "rses", rse);

    /// <summary>Does not follow redirects: 303/308 are part of the contract under test.</summary>
    public HttpClient Client { get; }

    public static async Task<SandboxHost> StartAsync(IEnumerable<string> extraArguments, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "rucio-sandbox-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        WebApplication? app = null;
        try
        {
            app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--data-dir", dataDirectory, .. extraArguments]);
            await app.StartAsync(cancellationToken);
            return new SandboxHost(app, dataDirectory, app.Urls.First().TrimEnd('/'));
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            DeleteQuietly(dataDirectory);
            throw;
        }
    }

    public static HttpClient CreateClient(string baseUrl) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(baseUrl + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Authenticates with userpass (by default the base data's root/ddmlab/secret) and returns the token.</summary>
    public async Task<string> LoginAsync(CancellationToken cancellationToken, string account = "root", string username = "ddmlab", string password = "secret")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "auth/userpass");
        request.Headers.Add("X-Rucio-Account", account);
        request.Headers.Add("X-Rucio-Username", username);
        request.Headers.Add("X-Rucio-Password", password);
        using var response = await Client.SendAsync(request, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"login as {account} failed: HTTP {(int)response.StatusCode}");
        return response.Headers.GetValues(TokenHeader).Single();
    }

    /// <summary>Sends a request with the token and an optional raw JSON body (sent as-is, like python-requests does).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string? jsonBody, CancellationToken cancellationToken, string? accept = "*/*")
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.TryAddWithoutValidation(TokenHeader, token);
        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return await Client.SendAsync(request, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
        DeleteQuietly(DataDirectory);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling file handle must not fail the test run; the directory is under the temp dir anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
