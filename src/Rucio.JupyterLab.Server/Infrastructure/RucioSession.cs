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

    private RucioSession(InstanceConfig instance, AuthType authType, StoredCredentials? credentials, RucioClientFactory factory)
    {
        Instance = instance;
        AuthType = authType;
        Credentials = credentials;
        _factory = factory;
    }

    public InstanceConfig Instance { get; }

    public AuthType AuthType { get; }

    public StoredCredentials? Credentials { get; }

    /// <summary>Minimal API binding hook: runs the credential gate.</summary>
    public static async ValueTask<RucioSession?> BindAsync(HttpContext context)
    {
        var name = RequireNamespace(context);
        var services = context.RequestServices;
        var resolution = await services.GetRequiredService<RucioSessionResolver>().ResolveAsync(name, context.RequestAborted);
        return resolution.Failure switch
        {
            SessionFailure.None => new RucioSession(resolution.Instance!, resolution.AuthType, resolution.Credentials,
                services.GetRequiredService<RucioClientFactory>()),
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
    /// Runs one Rucio call, turning its failure into the panel's error (status, sentence, Rucio's class and message).
    /// </summary>
    /// <param name="action">What was being done, completing "while trying to …" (e.g. "list the scopes").</param>
    public async Task<T> CallAsync<T>(string action, Func<RucioClient, Task<T>> call)
    {
        try
        {
            using var lease = AcquireClient();
            return await call(lease.Client);
        }
        catch (RucioException ex)
        {
            throw ToProblem(ex, action);
        }
    }

    public ApiProblemException ToProblem(RucioException exception, string action) =>
        RucioErrorMapping.ToProblem(exception, Instance.DisplayName, Instance.BaseUrl, action);
}
