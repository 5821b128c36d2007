namespace Rucio.Sandbox.Tests.Support;

/// <summary>A default Sandbox (base data only) shared by the tests of one class; each test uses its own names.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private SandboxHost? _sandbox;

    internal SandboxHost Sandbox => _sandbox ?? throw new InvalidOperationException("the Sandbox is not started");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _sandbox = await SandboxHost.StartAsync([], timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }
}
