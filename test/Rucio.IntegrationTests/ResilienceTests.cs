using System.Net;
using System.Net.Sockets;
using Rucio.Client;

namespace Rucio.IntegrationTests;

/// <summary>Timeouts, retries, cancellation and dead servers, with a real server behind the client.</summary>
public sealed class ResilienceTests(DemoSandboxFixture sandbox) : IClassFixture<DemoSandboxFixture>
{
    [Fact]
    public async Task Gets_answered_503_are_retried_and_then_succeed()
    {
        using var flaky = new FlakyHandler(failures: 2) { InnerHandler = new SocketsHttpHandler() };
        using var client = sandbox.Server.CreateClient(
            configure: o => o.Retry = new RetryOptions { MaxRetries = 3, Delay = TimeSpan.FromMilliseconds(10) },
            transport: flaky);

        var scopes = await client.Scopes.ListAsync();

        Assert.Contains("opendata", scopes);
        Assert.Equal(2, flaky.Failed);
    }

    [Fact]
    public async Task A_post_to_rules_is_never_retried()
    {
        using var flaky = new FlakyHandler(failures: 1, onlyPaths: "/rules") { InnerHandler = new SocketsHttpHandler() };
        using var client = sandbox.Server.CreateClient(
            configure: o => o.Retry = new RetryOptions { MaxRetries = 3, Delay = TimeSpan.FromMilliseconds(10) },
            transport: flaky);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Rules.AddAsync(new RuleCreateOptions
        {
            Dids = [Did.Parse("opendata:higgs_2012")],
            RseExpression = "SCRATCH-DISK",
        }));

        Assert.Equal(503, error.Status);
        Assert.Equal(1, flaky.Seen("/rules"));
    }

    [Fact]
    public async Task A_server_that_never_answers_gives_a_Timeout_error()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
        using var client = new RucioClient(new RucioClientOptions
        {
            BaseUri = url,
            Credential = RucioCredential.UserPass("ddmlab", "secret"),
            Timeout = TimeSpan.FromMilliseconds(300),
            Retry = new RetryOptions { MaxRetries = 0 },
        });

        var error = await Assert.ThrowsAsync<RucioException>(() => client.PingAsync());

        Assert.Equal(RucioException.TimeoutCode, error.ErrorCode);
    }

    [Fact]
    public async Task A_server_that_is_down_gives_a_ConnectionError()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var client = new RucioClient(new RucioClientOptions
        {
            BaseUri = new Uri($"http://127.0.0.1:{port}/"),
            Credential = RucioCredential.UserPass("ddmlab", "secret"),
            Retry = new RetryOptions { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10) },
        });

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Scopes.ListAsync());

        Assert.Equal(0, error.Status);
        Assert.Equal(RucioException.ConnectionErrorCode, error.ErrorCode);
    }

    [Fact]
    public async Task Cancelling_a_listing_midway_throws_OperationCanceled()
    {
        using var client = sandbox.Server.CreateClient();
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.Dids.SearchAsync("opendata", new DidSearchOptions { NamePattern = "*" }, cancellation.Token))
            {
                await cancellation.CancelAsync();
            }
        });
    }

    /// <summary>Answers 503 to the first N requests (optionally only those whose path contains a marker).</summary>
    private sealed class FlakyHandler(int failures, string? onlyPaths = null) : DelegatingHandler
    {
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
        private int _remaining = failures;

        public int Failed { get; private set; }

        public int Seen(string marker)
        {
            lock (_seen)
            {
                return _seen.GetValueOrDefault(marker);
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var targeted = onlyPaths is null ? !path.StartsWith("/auth/", StringComparison.Ordinal) : path.Contains(onlyPaths, StringComparison.Ordinal);
            if (onlyPaths is not null && targeted)
            {
                lock (_seen)
                {
                    _seen[onlyPaths] = _seen.GetValueOrDefault(onlyPaths) + 1;
                }
            }

            if (targeted && Interlocked.Decrement(ref _remaining) >= 0)
            {
                Failed++;
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request, Content = new StringContent("unavailable") };
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
