namespace Rucio.Sandbox.Tests.Support;

/// <summary>A Sandbox started with <c>--seed demo</c>, shared by the tests of one class.</summary>
public sealed class DemoSandboxFixture : IAsyncLifetime
{
    private SandboxHost? _sandbox;

    internal SandboxHost Sandbox => _sandbox ?? throw new InvalidOperationException("the Sandbox is not started");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _sandbox = await SandboxHost.StartAsync(["--seed", "demo", "--transfer-delay", "0.2"], timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }
}
