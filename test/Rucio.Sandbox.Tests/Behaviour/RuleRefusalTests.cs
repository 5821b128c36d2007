using System.Net;
using Rucio.Sandbox.Tests.Support;

namespace Rucio.Sandbox.Tests.Behaviour;

/// <summary>POST /rules/ refusals that the jupyterlab extension meets in practice (quota, duplicates).</summary>
public sealed class RuleRefusalTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Uses a plain USER account: Rucio exempts accounts with the 'admin' attribute from quotas, and whether root
    /// has it depends on the deployment.
    /// </summary>
    [Fact]
    public async Task A_rule_beyond_the_account_limit_is_refused_with_InsufficientAccountLimit()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var sandbox = fixture.Sandbox;
        var root = await sandbox.LoginAsync(timeout.Token);
        await Scenario.AddRseAsync(sandbox, root, "LIMIT-SRC", 1_000_000_000, timeout.Token);
        await Scenario.AddRseAsync(sandbox, root, "LIMIT-DST", 1_000_000_000, timeout.Token);
        await Scenario.AddUserAsync(sandbox, root, "limituser", "limitpw", timeout.Token);
        await Scenario.AddScopeAsync(sandbox, root, "user.limituser", timeout.Token, account: "limituser");
        await Scenario.RegisterFileAsync(sandbox, root, "LIMIT-SRC", "user.limituser", "big.dat", 1000, "0a5a0101", timeout.Token);
        await Scenario.SetLimitAsync(sandbox, root, "LIMIT-DST", 10, timeout.Token, account: "limituser");
        var user = await sandbox.LoginAsync(timeout.Token, "limituser", "limituser", "limitpw");

        using (var refused = await Scenario.AddRuleAsync(sandbox, user, "user.limituser", "big.dat", "LIMIT-DST", timeout.Token, account: "limituser"))
        {
            await Scenario.AssertRucioErrorAsync(refused, HttpStatusCode.Conflict, "InsufficientAccountLimit", timeout.Token);
        }

        // The same rule passes once the limit allows it: the refusal was about the quota, nothing else.
        await Scenario.SetLimitAsync(sandbox, root, "LIMIT-DST", 1_000_000, timeout.Token, account: "limituser");
        using var accepted = await Scenario.AddRuleAsync(sandbox, user, "user.limituser", "big.dat", "LIMIT-DST", timeout.Token, account: "limituser");
        Assert.Matches("^[0-9a-f]{32}$", await Scenario.RuleIdOfAsync(accepted, timeout.Token));
    }

    [Fact]
    public async Task The_same_rule_twice_is_refused_with_DuplicateRule()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var sandbox = fixture.Sandbox;
        var token = await sandbox.LoginAsync(timeout.Token);
        await Scenario.AddRseAsync(sandbox, token, "DUP-SRC", 1_000_000_000, timeout.Token);
        await Scenario.AddRseAsync(sandbox, token, "DUP-DST", 1_000_000_000, timeout.Token);
        await Scenario.AddScopeAsync(sandbox, token, "user.dups", timeout.Token);
        await Scenario.RegisterFileAsync(sandbox, token, "DUP-SRC", "user.dups", "twice.dat", 100, "1c2b0101", timeout.Token);

        using var first = await Scenario.AddRuleAsync(sandbox, token, "user.dups", "twice.dat", "DUP-DST", timeout.Token);
        var ruleId = await Scenario.RuleIdOfAsync(first, timeout.Token);
        using var second = await Scenario.AddRuleAsync(sandbox, token, "user.dups", "twice.dat", "DUP-DST", timeout.Token);

        await Scenario.AssertRucioErrorAsync(second, HttpStatusCode.Conflict, "DuplicateRule", timeout.Token);
        using var rules = await sandbox.SendAsync(HttpMethod.Get, "dids/user.dups/twice.dat/rules", token, null, timeout.Token);
        var listed = await Scenario.ReadNdjsonAsync(rules, timeout.Token);
        Assert.Equal([ruleId], listed.Select(r => r.GetProperty("id").GetString()));
    }
}
