using System.Text.Json;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server.Features.Status;

/// <summary>
/// <c>GET did</c> (compatible: every file as <c>[{"status","did","path","size","pfn","error"?}]</c>) and
/// <c>GET did/status</c> (new: the aggregate, the rules and one page of files) — both from the same cached snapshot.
/// <c>force=1</c> / <c>refresh=1</c> answer with a status computed after the request arrived.
/// </summary>
internal static class DidStatusEndpoints
{
    public const int DefaultPageSize = 200;
    public const int MaxPageSize = 10_000;

    public static RouteGroupBuilder MapDidStatus(this RouteGroupBuilder api)
    {
        api.MapGet("/did", ListFilesAsync);
        api.MapGet("/did/status", StatusAsync);
        return api;
    }

    private static async Task ListFilesAsync(HttpContext context, RucioSession session, DidStatusService statuses, string? did, string? force)
    {
        var snapshot = await statuses.GetAsync(session, DidArgument.Require(did), IsSet(force), context.RequestAborted);
        await StatusJson.WriteAsync(context, async (writer, flush) =>
        {
            writer.WriteStartArray();
            foreach (var file in snapshot.Files)
            {
                StatusJson.WriteFile(writer, file);
                await flush();
            }

            writer.WriteEndArray();
        });
    }

    private static async Task StatusAsync(
        HttpContext context, RucioSession session, DidStatusService statuses, string? did, string? refresh, int? offset, int? limit)
    {
        var start = Math.Max(0, offset ?? 0);
        var count = Math.Clamp(limit ?? DefaultPageSize, 0, MaxPageSize);
        var snapshot = await statuses.GetAsync(session, DidArgument.Require(did), IsSet(refresh), context.RequestAborted);
        var webUi = session.Instance.WebUiUrl;
        await StatusJson.WriteAsync(context, async (writer, flush) =>
        {
            writer.WriteStartObject();
            writer.WriteString("did", snapshot.Did.ToString());
            writer.WriteString("type", snapshot.Type);
            writer.WriteString("mode", snapshot.Mode);
            writer.WriteString("status", snapshot.Aggregate);
            writer.WriteStartObject("counts");
            writer.WriteNumber("total", snapshot.Files.Count);
            writer.WriteNumber("ok", snapshot.Ok);
            writer.WriteNumber("replicating", snapshot.Replicating);
            writer.WriteNumber("stuck", snapshot.Stuck);
            writer.WriteNumber("failed", snapshot.Failed);
            writer.WriteNumber("not_available", snapshot.NotAvailable);
            writer.WriteEndObject();
            writer.WriteStartObject("bytes");
            writer.WriteNumber("total", snapshot.BytesTotal);
            writer.WriteNumber("ok", snapshot.BytesOk);
            writer.WriteEndObject();
            writer.WriteStartArray("rules");
            foreach (var rule in snapshot.Rules)
            {
                writer.WriteStartObject();
                writer.WriteString("id", rule.Id);
                writer.WriteString("state", rule.State);
                writer.WriteString("rse_expression", rule.RseExpression);
                StatusJson.WriteTime(writer, "expires_at", rule.ExpiresAt);
                writer.WriteString("error", rule.Error);
                writer.WriteString("did", $"{rule.Scope}:{rule.Name}");
                writer.WriteString("webui_url", StatusJson.RuleUrl(webUi, rule.Id));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("reason", snapshot.Reason);
            writer.WriteStartArray("files");
            for (var i = start; i < snapshot.Files.Count && i < start + count; i++)
            {
                StatusJson.WriteFile(writer, snapshot.Files[i]);
                await flush();
            }

            writer.WriteEndArray();
            writer.WriteNumber("files_total", snapshot.Files.Count);
            writer.WriteNumber("offset", start);
            StatusJson.WriteTime(writer, "refreshed_at", snapshot.RefreshedAt);
            writer.WriteEndObject();
        });
    }

    private static bool IsSet(string? flag) => flag is "1" or "true" or "True" or "yes";
}

/// <summary>Writes status JSON straight to the response, flushing as it goes (a file list may hold 100k entries).</summary>
internal static class StatusJson
{
    private const int FlushThresholdBytes = 64 * 1024;

    /// <param name="write">Writes the document; calls the given flush after each row so big lists go out as they are written.</param>
    public static async Task WriteAsync(HttpContext context, Func<Utf8JsonWriter, Func<ValueTask>, Task> write)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = context.Response.BodyWriter;
        var cancellationToken = context.RequestAborted;
        await using var writer = new Utf8JsonWriter(body);
        await write(writer, async () =>
        {
            if (writer.BytesPending >= FlushThresholdBytes)
            {
                await writer.FlushAsync(cancellationToken);
                await body.FlushAsync(cancellationToken);
            }
        });
        await writer.FlushAsync(cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    public static void WriteFile(Utf8JsonWriter writer, StatusFile file)
    {
        writer.WriteStartObject();
        writer.WriteString("status", DidStatusSnapshot.WireName(file.Status));
        writer.WriteString("did", file.Did);
        writer.WriteString("path", file.Path);
        if (file.Size is { } size)
        {
            writer.WriteNumber("size", size);
        }
        else
        {
            writer.WriteNull("size");
        }

        writer.WriteString("pfn", file.Pfn);
        if (file.Error is not null)
        {
            writer.WriteString("error", file.Error);
        }

        writer.WriteEndObject();
    }

    public static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>The WebUI page of a rule, or null without a configured WebUI.</summary>
    public static string? RuleUrl(Uri? webUi, string ruleId) =>
        webUi is null ? null : $"{webUi.GetLeftPart(UriPartial.Path).TrimEnd('/')}/rule?rule_id={Uri.EscapeDataString(ruleId)}";
}
