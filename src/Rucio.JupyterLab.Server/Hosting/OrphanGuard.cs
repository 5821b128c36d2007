namespace Rucio.JupyterLab.Server.Hosting;

/// <summary>
/// The bridge starts the backend with a pipe on stdin that nothing writes to; the pipe closes when the Jupyter server
/// process goes away, however it dies. With <c>--socket</c> (i.e. under the bridge), end of file on stdin stops the
/// backend so it never outlives Jupyter as an orphan. Development runs with <c>--urls</c> ignore stdin.
/// </summary>
internal sealed class OrphanGuard(Stream input, IHostApplicationLifetime lifetime, ILogger<OrphanGuard> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A read of the console stream cannot be cancelled: it runs on its own and this service just stops waiting
        // for it at shutdown (otherwise SIGTERM would wait for the host's shutdown timeout).
        var reading = Task.Run(ReadToEndAsync, CancellationToken.None);
        var stopping = Task.Delay(Timeout.Infinite, stoppingToken);
        if (await Task.WhenAny(reading, stopping) == stopping)
        {
            return;
        }

        logger.LogWarning("Standard input closed: the Jupyter server is gone, stopping the backend");
        lifetime.StopApplication();
    }

    private async Task ReadToEndAsync()
    {
        var buffer = new byte[256];
        try
        {
            while (await input.ReadAsync(buffer) > 0)
            {
                // Input is not used; reading only detects the end.
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            logger.LogDebug("Reading stdin failed ({Error}); treating it as closed", ex.Message);
        }
    }
}
