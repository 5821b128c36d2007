using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Rucio.Sandbox.Tests.Support;

/// <summary>Builds small Rucio worlds through the REST API, the way the recording did (05_*, 07_*, 13_*, 20_*).</summary>
internal static class Scenario
{
    /// <summary>
    /// A deterministic posix RSE. Its file protocol prefix is the directory where the Sandbox keeps the RSE's bytes
    /// (DIR/rses/&lt;RSE&gt;/), so PFNs and local files agree whichever of the two the Sandbox goes by.
    /// </summary>
    public static async Task AddRseAsync(SandboxHost sandbox, string token, string rse, long rootLimitBytes, CancellationToken cancellationToken)
    {
        var prefix = sandbox.RseDirectory(rse) + "/";
        await ExpectAsync(sandbox, HttpMethod.Post, $"rses/{rse}", token,
            """{"deterministic": true, "volatile": false, "rse_type": "DISK", "city": "Local", "country_name": "XX"}""", HttpStatusCode.Created, cancellationToken);
        var protocol = JsonSerializer.Serialize(new
        {
            scheme = "file",
            hostname = "localhost",
            port = 0,
            prefix,
            impl = "rucio.rse.protocols.posix.Default",
            domains = new
            {
                lan = new { read = 1, write = 1, delete = 1 },
                wan = new { read = 1, write = 1, delete = 1, third_party_copy_read = 1, third_party_copy_write = 1 },
            },
        });
        await ExpectAsync(sandbox, HttpMethod.Post, $"rses/{rse}/protocols/file", token, protocol, HttpStatusCode.Created, cancellationToken);
        await SetLimitAsync(sandbox, token, rse, rootLimitBytes, cancellationToken);
    }

    public static Task SetLimitAsync(SandboxHost sandbox, string token, string rse, long bytes, CancellationToken cancellationToken, string account = "root") =>
        ExpectAsync(sandbox, HttpMethod.Post, $"accountlimits/local/{account}/{rse}", token,
            string.Create(CultureInfo.InvariantCulture, $$"""{"bytes": {{bytes}}}"""), HttpStatusCode.Created, cancellationToken);

    public static Task AddScopeAsync(SandboxHost sandbox, string token, string scope, CancellationToken cancellationToken, string account = "root") =>
        ExpectAsync(sandbox, HttpMethod.Post, $"accounts/{account}/scopes/{scope}", token, null, HttpStatusCode.Created, cancellationToken);

    /// <summary>A USER account with a userpass identity (login = account name), as 02e/02f created jdoe.</summary>
    public static async Task AddUserAsync(SandboxHost sandbox, string rootToken, string account, string password, CancellationToken cancellationToken)
    {
        await ExpectAsync(sandbox, HttpMethod.Post, $"accounts/{account}", rootToken,
            JsonSerializer.Serialize(new { type = "USER", email = $"{account}@example.org" }), HttpStatusCode.Created, cancellationToken);
        await ExpectAsync(sandbox, HttpMethod.Post, $"accounts/{account}/identities", rootToken,
            JsonSerializer.Serialize(new { identity = account, authtype = "USERPASS", email = $"{account}@example.org", password, @default = true }),
            HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>Registers a file and its replica in one call (catalogue only; no bytes are written).</summary>
    public static Task RegisterFileAsync(SandboxHost sandbox, string token, string rse, string scope, string name, long bytes, string adler32, CancellationToken cancellationToken) =>
        ExpectAsync(sandbox, HttpMethod.Post, "replicas", token,
            JsonSerializer.Serialize(new { rse, files = new[] { new { scope, name, bytes, adler32 } } }), HttpStatusCode.Created, cancellationToken);

    public static Task<HttpResponseMessage> AddRuleAsync(SandboxHost sandbox, string token, string scope, string name, string rseExpression, CancellationToken cancellationToken, string account = "root") =>
        sandbox.SendAsync(HttpMethod.Post, "rules/", token,
            JsonSerializer.Serialize(new { dids = new[] { new { scope, name } }, copies = 1, rse_expression = rseExpression, account }),
            cancellationToken);

    /// <summary>The rule id from a 201 answer to POST /rules/ (a JSON list with one id).</summary>
    public static async Task<string> RuleIdOfAsync(HttpResponseMessage created, CancellationToken cancellationToken)
    {
        var body = await created.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /rules/ answered {(int)created.StatusCode}: {body}");
        using var ids = JsonDocument.Parse(body);
        return ids.RootElement.EnumerateArray().Single().GetString()!;
    }

    /// <summary>Asserts Rucio's error contract: status, ExceptionClass header, JSON body with the same class.</summary>
    public static async Task AssertRucioErrorAsync(HttpResponseMessage response, HttpStatusCode status, string exceptionClass, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == status, $"HTTP {(int)response.StatusCode} instead of {(int)status}: {body}");
        Assert.Equal(exceptionClass, response.Headers.TryGetValues("ExceptionClass", out var values) ? values.Single() : null);
        using var error = JsonDocument.Parse(body);
        Assert.Equal(exceptionClass, error.RootElement.GetProperty("ExceptionClass").GetString());
        Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("ExceptionMessage").GetString()));
    }

    public static async Task<List<JsonElement>> ReadNdjsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {body}");
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }).ToList();
    }

    private static async Task ExpectAsync(SandboxHost sandbox, HttpMethod method, string path, string token, string? body, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var response = await sandbox.SendAsync(method, path, token, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == expected, $"{method} /{path} answered {(int)response.StatusCode} instead of {(int)expected}: {text}");
    }
}
