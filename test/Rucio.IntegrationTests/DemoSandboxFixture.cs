namespace Rucio.IntegrationTests;

// The in-process Sandbox itself (SandboxServer) and Eventually come from test/Shared, compiled into this project.

/// <summary>One demo-seeded <see cref="SandboxServer"/> shared by the tests of a class.</summary>
public sealed class DemoSandboxFixture : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync("--seed", "demo", "--transfer-delay", "0.1");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
