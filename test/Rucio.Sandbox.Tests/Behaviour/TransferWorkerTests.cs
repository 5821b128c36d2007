using System.Net;
using System.Text.Json;
using Rucio.Sandbox.Tests.Support;

namespace Rucio.Sandbox.Tests.Behaviour;

/// <summary>
/// The Sandbox's transfer worker plays FTS: a rule to another RSE ends OK with the bytes really copied. The delay of
/// 1.5 s makes the REPLICATING state observable by the first poll even on a slow machine.
/// </summary>
public sealed class TransferWorkerTests
{
    [Fact]
    public async Task A_rule_goes_from_REPLICATING_to_OK_and_the_bytes_land_in_the_destination_RSE()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var sandbox = await SandboxHost.StartAsync(["--transfer-delay", "1.5"], timeout.Token);
        var token = await sandbox.LoginAsync(timeout.Token);
        await Scenario.AddRseAsync(sandbox, token, "XFER-SRC", 1_000_000_000, timeout.Token);
        await Scenario.AddRseAsync(sandbox, token, "XFER-DST", 1_000_000_000, timeout.Token);
        await Scenario.AddScopeAsync(sandbox, token, "user.xfer", timeout.Token);

        var content = new byte[70_000];
        new Random(20261122).NextBytes(content);
        var adler32 = RucioPaths.Adler32(content);
        var hashPath = RucioPaths.HashPath("user.xfer", "payload.bin");
        var source = Path.Combine(sandbox.RseDirectory("XFER-SRC"), hashPath);
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        await File.WriteAllBytesAsync(source, content, timeout.Token);
        await Scenario.RegisterFileAsync(sandbox, token, "XFER-SRC", "user.xfer", "payload.bin", content.Length, adler32, timeout.Token);

        using var created = await Scenario.AddRuleAsync(sandbox, token, "user.xfer", "payload.bin", "XFER-DST", timeout.Token);
        var ruleId = await Scenario.RuleIdOfAsync(created, timeout.Token);

        var states = new List<string>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            using var rule = await sandbox.SendAsync(HttpMethod.Get, $"rules/{ruleId}", token, null, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, rule.StatusCode);
            using var body = JsonDocument.Parse(await rule.Content.ReadAsStringAsync(timeout.Token));
            var state = body.RootElement.GetProperty("state").GetString()!;
            if (states.Count == 0 || states[^1] != state)
            {
                states.Add(state);
            }

            if (state is "OK" or "STUCK" || DateTimeOffset.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }

        Assert.Equal(["REPLICATING", "OK"], states);

        using var locks = await sandbox.SendAsync(HttpMethod.Get, $"rules/{ruleId}/locks", token, null, timeout.Token);
        var lockRows = await Scenario.ReadNdjsonAsync(locks, timeout.Token);
        Assert.Equal(["XFER-DST:OK"], lockRows.Select(l => $"{l.GetProperty("rse").GetString()}:{l.GetProperty("state").GetString()}"));

        using var replicas = await sandbox.SendAsync(HttpMethod.Post, "replicas/list", token,
            """{"dids": [{"scope": "user.xfer", "name": "payload.bin"}], "all_states": true}""", timeout.Token);
        var replica = Assert.Single(await Scenario.ReadNdjsonAsync(replicas, timeout.Token));
        Assert.Equal("AVAILABLE", replica.GetProperty("states").GetProperty("XFER-DST").GetString());

        var destination = Path.Combine(sandbox.RseDirectory("XFER-DST"), hashPath);
        Assert.True(File.Exists(destination), $"no file at {destination}");
        var copied = await File.ReadAllBytesAsync(destination, timeout.Token);
        Assert.Equal(adler32, RucioPaths.Adler32(copied));
        Assert.Equal(content, copied);
    }
}
