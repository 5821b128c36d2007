using Rucio.Client;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Rses;

/// <summary>
/// <c>GET list-rses?expression=</c> returns RSE names as strings, the type the existing frontend declares and its
/// upload dialog sorts (the Python backend sent objects, which broke that dialog). <c>GET list-rses/details</c>
/// (new) returns the RSE objects as Rucio lists them. The expression defaults to <c>*</c>.
/// </summary>
internal static class RsesEndpoints
{
    public static RouteGroupBuilder MapRses(this RouteGroupBuilder api)
    {
        api.MapGet("/list-rses", ListNamesAsync);
        api.MapGet("/list-rses/details", ListDetailsAsync);
        return api;
    }

    private static async Task<IResult> ListNamesAsync(RucioSession session, string? expression, CancellationToken cancellationToken)
    {
        var rses = await ListAsync(session, expression, cancellationToken);
        return Results.Json(rses.Select(r => r.Rse).Order(StringComparer.Ordinal).ToList());
    }

    private static async Task<IResult> ListDetailsAsync(RucioSession session, string? expression, CancellationToken cancellationToken)
    {
        var rses = await ListAsync(session, expression, cancellationToken);
        return Results.Json(rses.OrderBy(r => r.Rse, StringComparer.Ordinal).ToList());
    }

    private static Task<List<RseInfo>> ListAsync(RucioSession session, string? expression, CancellationToken cancellationToken) =>
        session.CallAsync("list the storage elements (RSEs)", "GET /rses/", async client =>
        {
            var rses = new List<RseInfo>();
            await foreach (var rse in client.Rses.ListAsync(string.IsNullOrWhiteSpace(expression) ? "*" : expression, cancellationToken))
            {
                rses.Add(rse);
            }

            return rses;
        });
}
