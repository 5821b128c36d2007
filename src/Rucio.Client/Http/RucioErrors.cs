using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Rucio.Client;

/// <summary>Turns an unsuccessful HTTP response into a <see cref="RucioException"/>.</summary>
internal static partial class RucioErrors
{
    /// <summary>Error bodies are small; anything beyond this is not worth reading.</summary>
    private const int MaxErrorBodyBytes = 64 * 1024;

    private const int MaxPlainTextMessageLength = 500;

    public const string CannotAuthenticate = "CannotAuthenticate";

    public static async Task<RucioException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await ReadLimitedAsync(response.Content, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // The status line already says what went wrong; a broken error body must not hide it.
            body = [];
        }

        return Create((int)response.StatusCode, response.ReasonPhrase, response.Headers, response.Content.Headers.ContentType, body);
    }

    public static RucioException Create(
        int status, string? reasonPhrase, HttpResponseHeaders headers, MediaTypeHeaderValue? contentType, ReadOnlySpan<byte> body)
    {
        var headerClass = FirstHeader(headers, "ExceptionClass");
        var headerMessage = FirstHeader(headers, "ExceptionMessage");

        // The JSON body carries the full message; the header copy is cut to 125 characters.
        if (TryParseJsonError(body, out var jsonClass, out var jsonMessage))
        {
            var errorCode = jsonClass ?? headerClass;
            return new RucioException(jsonMessage ?? headerMessage ?? DescribeStatus(status, reasonPhrase), status, errorCode);
        }

        if (headerClass is not null || headerMessage is not null)
        {
            return new RucioException(headerMessage ?? DescribeStatus(status, reasonPhrase), status, headerClass);
        }

        var text = ExtractText(body, contentType);
        var message = string.IsNullOrEmpty(text)
            ? DescribeStatus(status, reasonPhrase)
            : $"{DescribeStatus(status, reasonPhrase)}: {text}";
        return new RucioException(message, status, errorCode: null);
    }

    /// <summary>True when the response is Rucio's "token not accepted" answer, the only 401 worth a token renewal.</summary>
    public static async Task<bool> IsCannotAuthenticateAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headerClass = FirstHeader(response.Headers, "ExceptionClass");
        if (headerClass is not null)
        {
            return headerClass == CannotAuthenticate;
        }

        // Buffer so the caller can still read the body for the final error.
        await response.Content.LoadIntoBufferAsync(MaxErrorBodyBytes, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return TryParseJsonError(body, out var jsonClass, out _) && jsonClass == CannotAuthenticate;
    }

    private static bool TryParseJsonError(ReadOnlySpan<byte> body, out string? exceptionClass, out string? exceptionMessage)
    {
        exceptionClass = null;
        exceptionMessage = null;
        var trimmed = body.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            return false;
        }

        try
        {
            var error = JsonSerializer.Deserialize(trimmed, RucioJsonContext.Default.ServerError);
            if (error is null || (error.ExceptionClass is null && error.ExceptionMessage is null))
            {
                return false;
            }

            exceptionClass = error.ExceptionClass;
            exceptionMessage = error.ExceptionMessage;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string ExtractText(ReadOnlySpan<byte> body, MediaTypeHeaderValue? contentType)
    {
        if (body.IsEmpty)
        {
            return "";
        }

        var text = Encoding.UTF8.GetString(body);
        if (contentType?.MediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true
            || text.TrimStart().StartsWith('<'))
        {
            text = HtmlTitle().Replace(text, " ");
            text = HtmlTag().Replace(text, " ");
            text = WebUtility.HtmlDecode(text);
        }

        text = Whitespace().Replace(text, " ").Trim();
        return text.Length <= MaxPlainTextMessageLength ? text : text[..MaxPlainTextMessageLength] + "...";
    }

    private static string DescribeStatus(int status, string? reasonPhrase) =>
        string.IsNullOrWhiteSpace(reasonPhrase) ? $"HTTP {status}" : $"HTTP {status} {reasonPhrase}";

    private static string? FirstHeader(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) : null;

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxErrorBodyBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return buffer.AsSpan(0, total).ToArray();
    }

    // The <title> of Flask's pages repeats the <h1>; dropping it keeps the message readable.
    [GeneratedRegex("<title>.*?</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex HtmlTitle();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
