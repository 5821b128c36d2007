using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Rucio.Client;

/// <summary>Token operations.</summary>
public sealed partial class RucioAuthClient
{
    private readonly RucioPipeline _pipeline;
    private readonly TokenProvider _tokens;

    internal RucioAuthClient(RucioPipeline pipeline, TokenProvider tokens)
    {
        _pipeline = pipeline;
        _tokens = tokens;
    }

    /// <summary>Authenticates now, ignoring any cached token, and makes the new token current.</summary>
    public Task<RucioToken> AuthenticateAsync(CancellationToken cancellationToken = default) =>
        _tokens.AuthenticateAsync(cancellationToken);

    /// <summary>The token the next call will use (cached, or obtained now). Handle the value as a secret.</summary>
    public Task<RucioToken> GetTokenAsync(CancellationToken cancellationToken = default) =>
        _tokens.GetTokenAsync(cancellationToken);

    /// <summary>
    /// GET /auth/validate on the auth server: who the current token belongs to and until when. Rucio 1.31 answers
    /// with a Python dict literal rather than JSON; both are understood.
    /// </summary>
    public async Task<RucioTokenValidation> ValidateAsync(CancellationToken cancellationToken = default)
    {
        var request = new RucioRequest(HttpMethod.Get, "auth/validate") { OnAuthServer = true, Accept = "*/*" };
        using var response = await _pipeline.SendAsync(request, cancellationToken);
        var body = await _pipeline.ReadBodyAsync(response, request, cancellationToken);
        return ParseValidation(Encoding.UTF8.GetString(body))
            ?? throw new RucioException("GET /auth/validate returned an unrecognised body.", (int)response.StatusCode, RucioException.InvalidResponseCode);
    }

    internal static RucioTokenValidation? ParseValidation(string body)
    {
        var text = body.Trim();
        if (text.Length == 0 || text[0] != '{')
        {
            return null;
        }

        try
        {
            var json = JsonSerializer.Deserialize(text, RucioJsonContext.Default.IReadOnlyDictionaryStringJsonElement);
            if (json is not null)
            {
                return new RucioTokenValidation
                {
                    Account = JsonString(json, "account"),
                    Identity = JsonString(json, "identity"),
                    Vo = JsonString(json, "vo"),
                    Lifetime = RucioDate.TryParse(JsonString(json, "lifetime"), out var lifetime) ? lifetime : null,
                };
            }
        }
        catch (JsonException)
        {
            // Not JSON: Rucio 1.31's Python repr, handled below.
        }

        return new RucioTokenValidation
        {
            Account = PythonString(text, "account"),
            Identity = PythonString(text, "identity"),
            Vo = PythonString(text, "vo"),
            Lifetime = PythonDateTime(text, "lifetime"),
        };
    }

    private static string? JsonString(IReadOnlyDictionary<string, JsonElement> json, string key) =>
        json.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? PythonString(string text, string key)
    {
        var match = PythonStringEntry().Match(text);
        while (match.Success)
        {
            if (match.Groups["key"].Value == key)
            {
                return match.Groups["value"].Value;
            }

            match = match.NextMatch();
        }

        return null;
    }

    private static DateTimeOffset? PythonDateTime(string text, string key)
    {
        var match = PythonDateTimeEntry().Match(text);
        while (match.Success)
        {
            if (match.Groups["key"].Value == key)
            {
                var parts = match.Groups["args"].Value.Split(',', StringSplitOptions.TrimEntries)
                    .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                if (parts.Length < 3)
                {
                    return null;
                }

                var value = new DateTime(parts[0], parts[1], parts[2], At(parts, 3), At(parts, 4), At(parts, 5), DateTimeKind.Utc);
                return new DateTimeOffset(value).AddTicks(At(parts, 6) * 10L);
            }

            match = match.NextMatch();
        }

        return null;
    }

    private static int At(int[] parts, int index) => index < parts.Length ? parts[index] : 0;

    [GeneratedRegex(@"'(?<key>[a-z_]+)':\s*'(?<value>[^'\\]*)'")]
    private static partial Regex PythonStringEntry();

    [GeneratedRegex(@"'(?<key>[a-z_]+)':\s*datetime\.datetime\((?<args>[0-9,\s]+)\)")]
    private static partial Regex PythonDateTimeEntry();
}
