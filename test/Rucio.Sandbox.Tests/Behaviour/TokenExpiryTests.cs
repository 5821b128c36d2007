using System.Net;
using Rucio.Sandbox.Tests.Replay;
using Rucio.Sandbox.Tests.Support;

namespace Rucio.Sandbox.Tests.Behaviour;

/// <summary>Tokens die after --token-lifetime; a dead token gets Rucio's 401 CannotAuthenticate.</summary>
public sealed class TokenExpiryTests
{
    [Fact]
    public async Task A_token_is_refused_once_its_lifetime_is_over()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var sandbox = await SandboxHost.StartAsync(["--token-lifetime", "1"], timeout.Token);

        var before = DateTimeOffset.UtcNow;
        using var login = new HttpRequestMessage(HttpMethod.Get, "auth/userpass");
        login.Headers.Add("X-Rucio-Account", "root");
        login.Headers.Add("X-Rucio-Username", "ddmlab");
        login.Headers.Add("X-Rucio-Password", "secret");
        using var loggedIn = await sandbox.Client.SendAsync(login, timeout.Token);
        var token = loggedIn.Headers.GetValues(SandboxHost.TokenHeader).Single();
        var expires = ReplayPlan.ParseRucioDate(loggedIn.Headers.GetValues("X-Rucio-Auth-Token-Expires").Single());

        // The header has whole seconds, hence the one-second slack on each side.
        Assert.InRange(expires, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(2));

        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        HttpResponseMessage response;
        while (true)
        {
            response = await sandbox.SendAsync(HttpMethod.Get, "accounts/root", token, null, timeout.Token);
            if (response.StatusCode == HttpStatusCode.Unauthorized || DateTimeOffset.UtcNow > deadline)
            {
                break;
            }

            response.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token);
        }

        using (response)
        {
            await Scenario.AssertRucioErrorAsync(response, HttpStatusCode.Unauthorized, "CannotAuthenticate", timeout.Token);
        }

        Assert.True(DateTimeOffset.UtcNow >= expires.AddSeconds(-1), "the token was refused before its announced expiry");

        // A fresh login works again, so the 401 came from the expiry and not from a broken Sandbox.
        var fresh = await sandbox.LoginAsync(timeout.Token);
        using var accepted = await sandbox.SendAsync(HttpMethod.Get, "accounts/root", fresh, null, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
