using Rucio.Sandbox;
using Rucio.Sandbox.Infrastructure;

// Table of contents: parse options, build the app (database, seeding, endpoints, workers), run it.
try
{
    await SandboxApp.Build(args).RunAsync();
    return 0;
}
catch (SandboxOptionsException ex)
{
    await Console.Error.WriteLineAsync($"rucio-sandbox: {ex.Message}");
    return 2;
}
