using System.Net;
using Rucio.Client.Tests.Infrastructure;

namespace Rucio.Client.Tests;

public sealed class RetryAndTimeoutTests
{
    private static readonly Transcript Account = Transcript.Load("02b_account_root");

    private static HttpResponseMessage Unavailable() => Responses.Text("busy", "text/html", HttpStatusCode.ServiceUnavailable);

    [Fact]
    public async Task Get_IsRetriedOn503_ThenSucceeds()
    {
        var attempts = 0;
        var transport = TestClients.Transport(_ => ++attempts < 3 ? Unavailable() : Account.ToResponse());
        using var client = new RucioClient(TestClients.Options(), transport);

        var account = await client.Accounts.GetAsync("root");

        Assert.Equal("root", account.Account);
        Assert.Equal(3, transport.DataRequests.Count);
    }

    [Fact]
    public async Task Get_GivesUpAfterMaxRetries()
    {
        var transport = TestClients.Transport(_ => Unavailable());
        using var client = new RucioClient(TestClients.Options(), transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));

        Assert.Equal(503, error.Status);
        Assert.Equal(4, transport.DataRequests.Count); // first attempt + MaxRetries (3)
    }

    [Fact]
    public async Task PostRules_IsNeverRetriedOnServerErrors()
    {
        var transport = TestClients.Transport(_ => Unavailable());
        using var client = new RucioClient(TestClients.Options(), transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Rules.AddAsync(new RuleCreateOptions
        {
            Dids = [new Did("user.root", "dataset1")],
            RseExpression = "LOCAL-RSE2",
        }));

        Assert.Equal(503, error.Status);
        Assert.Single(transport.DataRequests);
    }

    [Fact]
    public async Task Post_IsNotRetriedWhenTheConnectionBrokeAfterSending()
    {
        var transport = TestClients.Transport(_ => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));
        using var client = new RucioClient(TestClients.Options(), transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Rules.AddAsync(new RuleCreateOptions
        {
            Dids = [new Did("user.root", "dataset1")],
            RseExpression = "LOCAL-RSE2",
        }));

        Assert.Equal(RucioException.ConnectionErrorCode, error.ErrorCode);
        Assert.Equal(0, error.Status);
        Assert.Single(transport.DataRequests);
    }

    [Fact]
    public async Task Post_IsRetriedWhenTheConnectionWasRefused()
    {
        var attempts = 0;
        var transport = TestClients.Transport(_ => ++attempts == 1
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")
            : Responses.Text("""["4718baf2807b45aa9588337f7b31401d"]""", "text/html; charset=utf-8", HttpStatusCode.Created));
        using var client = new RucioClient(TestClients.Options(), transport);

        var ids = await client.Rules.AddAsync(new RuleCreateOptions { Dids = [new Did("user.root", "dataset1")], RseExpression = "LOCAL-RSE2" });

        Assert.Equal(["4718baf2807b45aa9588337f7b31401d"], ids);
        Assert.Equal(2, transport.DataRequests.Count);
    }

    [Fact]
    public async Task Get_IsRetriedOnBrokenConnections()
    {
        var attempts = 0;
        var transport = TestClients.Transport(_ => ++attempts == 1
            ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "reset")
            : Account.ToResponse());
        using var client = new RucioClient(TestClients.Options(), transport);

        await client.Accounts.GetAsync("root");

        Assert.Equal(2, transport.DataRequests.Count);
    }

    [Fact]
    public async Task Backoff_WaitsOnTheInjectedClock()
    {
        var clock = TestClients.Clock();
        var attempts = 0;
        var transport = TestClients.Transport(_ => ++attempts == 1 ? Unavailable() : Account.ToResponse(), clock);
        var options = TestClients.Options(time: clock);
        options.Retry = new RetryOptions { MaxRetries = 3, Delay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(5) };
        using var client = new RucioClient(options, transport);

        var call = client.Accounts.GetAsync("root");
        await WaitUntilAsync(() => transport.DataRequests.Count == 1);
        Assert.False(call.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(999)); // the first delay is at least half of 2 s
        await Task.Delay(20);
        Assert.Single(transport.DataRequests);

        clock.Advance(TimeSpan.FromSeconds(2));
        await call;
        Assert.Equal(2, transport.DataRequests.Count);
    }

    [Fact]
    public void ComputeDelay_IsExponentialJitteredAndCapped()
    {
        var options = new RetryOptions { Delay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(5) };
        var random = new Random(42);
        for (var i = 0; i < 50; i++)
        {
            var first = RetryHandler.ComputeDelay(0, options, null, random);
            Assert.InRange(first, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200));
            var third = RetryHandler.ComputeDelay(2, options, null, random);
            Assert.InRange(third, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800));
            var late = RetryHandler.ComputeDelay(20, options, null, random);
            Assert.InRange(late, TimeSpan.FromMilliseconds(2500), TimeSpan.FromSeconds(5));
        }

        Assert.Equal(TimeSpan.FromSeconds(3), RetryHandler.ComputeDelay(0, options, TimeSpan.FromSeconds(3), random));
        Assert.Equal(TimeSpan.FromSeconds(5), RetryHandler.ComputeDelay(0, options, TimeSpan.FromMinutes(3), random));
    }

    [Fact]
    public async Task HangingServer_TimesOutWithTimeoutCode()
    {
        var transport = new FakeTransport(async (r, ct) =>
        {
            if (r.IsAuth)
            {
                return Responses.AuthToken(Responses.Token, DateTimeOffset.UtcNow.AddHours(1));
            }

            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var options = TestClients.Options();
        options.Timeout = TimeSpan.FromMilliseconds(150);
        using var client = new RucioClient(options, transport);

        var error = await Assert.ThrowsAsync<RucioException>(() => client.Accounts.GetAsync("root"));

        Assert.Equal(RucioException.TimeoutCode, error.ErrorCode);
        Assert.Equal(0, error.Status);
        Assert.Single(transport.DataRequests); // a timeout is not retried
    }

    [Fact]
    public async Task CallerCancellation_IsOperationCanceled_NotRucioException()
    {
        var transport = new FakeTransport(async (r, ct) =>
        {
            if (r.IsAuth)
            {
                return Responses.AuthToken(Responses.Token, DateTimeOffset.UtcNow.AddHours(1));
            }

            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var client = new RucioClient(TestClients.Options(), transport);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Accounts.GetAsync("root", cancellation.Token));
        Assert.IsNotType<RucioException>(error);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Condition not met within 5 s.");
            await Task.Delay(5);
        }
    }
}
