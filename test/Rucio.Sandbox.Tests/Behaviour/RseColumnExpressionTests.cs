using System.Net;
using Rucio.Sandbox.Tests.Support;

namespace Rucio.Sandbox.Tests.Behaviour;

/// <summary>RSE expressions on RSE columns, as Rucio's list_rses filters allow (the upload dialog's `availability_write=True`).</summary>
public sealed class RseColumnExpressionTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Availability_write_selects_writable_rses_and_excludes_the_others()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var sandbox = fixture.Sandbox;
        var token = await sandbox.LoginAsync(timeout.Token);
        await Scenario.AddRseAsync(sandbox, token, "COLUMN-RW", 1_000_000, timeout.Token);
        await Scenario.AddRseAsync(sandbox, token, "COLUMN-RO", 1_000_000, timeout.Token);
        using (var readOnly = await sandbox.SendAsync(HttpMethod.Put, "rses/COLUMN-RO", token, """{"availability_write": false}""", timeout.Token))
        {
            Assert.True(readOnly.IsSuccessStatusCode, $"update answered {(int)readOnly.StatusCode}");
        }

        using var writable = await sandbox.SendAsync(HttpMethod.Get, "rses/?expression=availability_write%3DTrue", token, null, timeout.Token);
        var names = (await Scenario.ReadNdjsonAsync(writable, timeout.Token)).Select(r => r.GetProperty("rse").GetString()).ToList();

        Assert.Equal(HttpStatusCode.OK, writable.StatusCode);
        Assert.Contains("COLUMN-RW", names);
        Assert.DoesNotContain("COLUMN-RO", names);
    }
}
