using Rucio.Client;

namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>Reads the <c>did</c> of a request (query or body); names may contain further ':' and '/'.</summary>
internal static class DidArgument
{
    public static Did Require(string? text) =>
        Did.TryParse(text?.Trim(), out var did)
            ? did
            : throw ApiProblemException.BadRequest($"\"{text}\" is not a DID: write scope:name.");

    /// <summary>The <c>"did"</c> string of a JSON body such as <c>{"did":"scope:name"}</c>.</summary>
    public static Did RequireInBody(System.Text.Json.Nodes.JsonObject? body) =>
        body?["did"] is System.Text.Json.Nodes.JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? Require(value.GetValue<string>())
            : throw ApiProblemException.BadRequest("The body must name the DID: {\"did\": \"scope:name\"}.");
}
