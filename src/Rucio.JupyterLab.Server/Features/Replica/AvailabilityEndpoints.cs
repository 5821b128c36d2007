using System.Text.Json.Nodes;
using Rucio.DataLake.Core.Configuration;
using Rucio.JupyterLab.Server.Features.Download;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Replica;

/// <summary>
/// <c>POST did/make-available</c>, <c>POST did/rule/retry</c> and <c>GET open-replication-rule</c>, in the
/// instance's mode. Replica mode works with rules (<see cref="ReplicaActions"/>); download mode with the download
/// queue (<see cref="DownloadService"/>). Rucio's refusals come back non-2xx with its exception class.
/// </summary>
internal static class AvailabilityEndpoints
{
    public static RouteGroupBuilder MapAvailability(this RouteGroupBuilder api)
    {
        api.MapPost("/did/make-available", MakeAvailableAsync);
        api.MapPost("/did/rule/retry", RetryAsync);
        api.MapGet("/open-replication-rule", OpenRuleAsync);
        return api;
    }

    private static async Task<IResult> MakeAvailableAsync(
        RucioSession session, JsonObject? body, ReplicaActions replica, DownloadService downloads, CancellationToken cancellationToken)
    {
        var did = DidArgument.RequireInBody(body);
        if (session.Instance.Mode == InstanceMode.Download)
        {
            var (job, created) = await downloads.EnqueueAsync(session.Instance.Name, did, cancellationToken);
            return Results.Json(new { success = true, job_id = job.Id, created });
        }

        var (ruleId, ruleCreated) = await replica.MakeAvailableAsync(session, did, cancellationToken);
        return Results.Json(new { success = true, rule_id = ruleId, created = ruleCreated });
    }

    private static async Task<IResult> RetryAsync(
        RucioSession session, JsonObject? body, ReplicaActions replica, DownloadService downloads, CancellationToken cancellationToken)
    {
        var did = DidArgument.RequireInBody(body);
        if (session.Instance.Mode == InstanceMode.Download)
        {
            var job = await downloads.RetryAsync(session.Instance.Name, did, cancellationToken);
            return Results.Json(new { success = true, job_id = job.Id });
        }

        return Results.Json(new { success = true, rule_id = await replica.RetryAsync(session, did, cancellationToken) });
    }

    private static async Task<IResult> OpenRuleAsync(RucioSession session, string? did, ReplicaActions replica, CancellationToken cancellationToken)
    {
        var parsed = DidArgument.Require(did);
        if (session.Instance.Mode != InstanceMode.Replica)
        {
            throw ApiProblemException.BadRequest("Replication rules exist only for instances in replica mode.");
        }

        if (session.Instance.WebUiUrl is not { } webUi)
        {
            throw ApiProblemException.NotFound($"No Rucio WebUI is configured for '{session.Instance.DisplayName}' (rucio_webui_url).");
        }

        var ruleId = await replica.FindRuleAsync(session, parsed, cancellationToken)
            ?? throw ApiProblemException.NotFound($"{parsed} has no replication rule of yours on {session.Instance.DestinationRse}.");
        return Results.Redirect(StatusJson.RuleUrl(webUi, ruleId)!);
    }
}
