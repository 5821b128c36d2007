using Rucio.Client;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;

namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>
/// The instance, method and credentials of a data route's request. Declaring a <see cref="RucioSession"/> parameter
/// is what puts a route behind the credential gate: binding reads <c>?namespace=</c> and fails with 400 (missing),
/// 404 (unknown instance) or 401 (no method or no credentials) before the handler runs.
/// </summary>
internal sealed class RucioSession
{
    private readonly RucioClientFactory _factory;

    private RucioSession(InstanceConfig instance, AuthType authType, StoredCredentials? credentials, RucioClientFactory factory, RucioCallMetrics metrics)
    {
        Instance = instance;
        AuthType = authType;
        Credentials = credentials;
        _factory = factory;
        Metrics = metrics;
    }

    public InstanceConfig Instance { get; }

    public AuthType AuthType { get; }

    public StoredCredentials? Credentials { get; }

    public RucioCallMetrics Metrics { get; }

    /// <summary>
    /// Identifies whose view of Rucio this is (instance, method, credentials) without revealing any secret: cached
    /// per-user data such as "the user's rules" is keyed by it.
    /// </summary>
    public string IdentityKey => $"{AuthType.ToWireName()}:{Credentials?.Fingerprint() ?? "operator"}";

    /// <summary>Minimal API binding hook: runs the credential gate.</summary>
    public static async ValueTask<RucioSession?> BindAsync(HttpContext context)
    {
        var name = RequireNamespace(context);
        var services = context.RequestServices;
        var resolution = await services.GetRequiredService<RucioSessionResolver>().ResolveAsync(name, context.RequestAborted);
        return resolution.Failure switch
        {
            SessionFailure.None => new RucioSession(resolution.Instance!, resolution.AuthType, resolution.Credentials,
                services.GetRequiredService<RucioClientFactory>(), services.GetRequiredService<RucioCallMetrics>()),
            SessionFailure.UnknownInstance => throw ApiProblemException.NotFound(resolution.Message!),
            _ => throw new ApiProblemException(StatusCodes.Status401Unauthorized, resolution.Message!, "CredentialsNotFound"),
        };
    }

    /// <summary>The <c>namespace</c> query argument (the instance name), or a 400.</summary>
    public static string RequireNamespace(HttpContext context) =>
        context.Request.Query["namespace"].ToString() is { Length: > 0 } name
            ? name
            : throw ApiProblemException.BadRequest("Missing Rucio instance: add ?namespace=<instance name> to the request.");

    /// <summary>A lease on the cached client; dispose it when done (after any streaming finishes).</summary>
    /// <exception cref="RucioException">The client cannot be built (e.g. an unreadable CA bundle).</exception>
    public RucioClientLease AcquireClient() => _factory.Acquire(Instance, AuthType, Credentials);

    /// <summary>
    /// Opens a session outside an HTTP request (background work such as the download queue); null when the
    /// instance or its credentials are not usable any more.
    /// </summary>
    public static async Task<RucioSession?> OpenAsync(IServiceProvider services, string instance, CancellationToken cancellationToken)
    {
        var resolution = await services.GetRequiredService<RucioSessionResolver>().ResolveAsync(instance, cancellationToken);
        return resolution.Failure == SessionFailure.None
            ? new RucioSession(resolution.Instance!, resolution.AuthType, resolution.Credentials,
                services.GetRequiredService<RucioClientFactory>(), services.GetRequiredService<RucioCallMetrics>())
            : null;
    }

    /// <summary>
    /// Runs one Rucio call, counted under <paramref name="endpoint"/>, turning its failure into the panel's error
    /// (status, sentence, Rucio's class and message).
    /// </summary>
    /// <param name="action">What was being done, completing "while trying to …" (e.g. "list the scopes").</param>
    /// <param name="endpoint">Rucio's route template for the metrics, e.g. <c>GET /scopes/</c>.</param>
    public async Task<T> CallAsync<T>(string action, string endpoint, Func<RucioClient, Task<T>> call)
    {
        try
        {
            using var lease = AcquireClient();
            return await Metrics.MeasureAsync(endpoint, () => call(lease.Client));
        }
        catch (RucioException ex)
        {
            throw ToProblem(ex, action);
        }
    }

    public ApiProblemException ToProblem(RucioException exception, string action) =>
        RucioErrorMapping.ToProblem(exception, Instance.DisplayName, Instance.BaseUrl, action);
}
