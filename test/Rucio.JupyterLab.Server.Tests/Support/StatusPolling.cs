using System.Text.Json.Nodes;

namespace Rucio.JupyterLab.Server.Tests.Support;

/// <summary>Reads did/status through the backend and waits for an aggregate state with a deadline.</summary>
internal static class StatusPolling
{
    public static async Task<JsonNode> StatusAsync(this BackendHost backend, string instance, string did, bool refresh = false, string extra = "")
    {
        var (status, body) = await backend.GetAsync(
            $"/rucio-jupyterlab/did/status?namespace={instance}&did={Uri.EscapeDataString(did)}&refresh={(refresh ? 1 : 0)}{extra}");
        Assert.True(status == 200, $"did/status answered {status}: {body}");
        return body!;
    }

    public static async Task<JsonNode> WaitForStatusAsync(this BackendHost backend, string instance, string did, string expected, TimeSpan? timeout = null)
    {
        JsonNode? last = null;
        await Poll.UntilAsync(async () =>
        {
            last = await backend.StatusAsync(instance, did, refresh: true);
            return (string?)last["status"] == expected;
        }, $"{did} to become {expected}", timeout ?? TimeSpan.FromSeconds(30));
        return last!;
    }

    public static async Task<(int Status, JsonNode? Body)> MakeAvailableAsync(this BackendHost backend, string instance, string did) =>
        await backend.SendAsync(HttpMethod.Post, $"/rucio-jupyterlab/did/make-available?namespace={instance}", new { did });
}
