using Rucio.JupyterLab.Server;
using Rucio.JupyterLab.Server.Hosting;

// Table of contents: parse the command line, build the app (configuration, state, services, routes), run it until
// SIGTERM. The composition itself is in BackendApp so tests build the very same app in-process.
try
{
    await using var app = await BackendApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (BackendOptionsException ex)
{
    await Console.Error.WriteLineAsync($"rucio-jupyterlab-backend: {ex.Message}");
    return 2;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
{
    await Console.Error.WriteLineAsync($"rucio-jupyterlab-backend: cannot start: {ex.Message}");
    return 3;
}
