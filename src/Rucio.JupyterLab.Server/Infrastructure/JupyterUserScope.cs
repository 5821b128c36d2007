namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>
/// Puts the Jupyter user named by the bridge (<c>X-Jupyter-User</c>) in the logging scope of each request, so log
/// lines say whose request they belong to on shared deployments. Only for logs: the bridge authenticates the user;
/// the header is never used for any decision here.
/// </summary>
internal sealed class JupyterUserScope(RequestDelegate next, ILogger<JupyterUserScope> logger)
{
    public const string Header = "X-Jupyter-User";

    public async Task InvokeAsync(HttpContext context)
    {
        var user = context.Request.Headers[Header].ToString();
        if (user.Length == 0)
        {
            await next(context);
            return;
        }

        // Only printable, bounded text goes into the log line.
        var safe = new string([.. user.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
        using (logger.BeginScope("user={JupyterUser}", safe))
        {
            await next(context);
        }
    }
}
