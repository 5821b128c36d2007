using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Rucio.DataLake.Core.Security;

namespace Rucio.DataLake.Core.Configuration;

/// <summary>Limits of remote <c>$url</c> configuration documents.</summary>
internal sealed record RemoteConfigOptions
{
    /// <summary>Whole-request timeout of one fetch.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a fetched document is used before it is fetched again (the existing extension: 24 h).</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromHours(24);

    /// <summary>After a failed fetch, how long before the next attempt (requests in between do not wait on it).</summary>
    public TimeSpan RetryAfterFailure { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Documents larger than this are refused: an instance description is a few hundred bytes.</summary>
    public int MaxBytes { get; init; } = 1 << 20;
}

/// <summary>A remote document could not be used; the message is meant for the operator as is.</summary>
internal sealed class RemoteConfigException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Fetches the JSON object that a <c>$url</c> points to, with a timeout and the instance's CA bundle.</summary>
internal sealed class RemoteConfigClient(RemoteConfigOptions options)
{
    public RemoteConfigOptions Options => options;

    /// <exception cref="RemoteConfigException">The document could not be fetched or is not a JSON object.</exception>
    public async Task<RawInstance> FetchAsync(Uri url, string? caBundlePath, CancellationToken cancellationToken)
    {
        var shown = Redact(url);
        var origin = $"{RawValue.RemoteOrigin} {shown}";
        byte[] body;
        try
        {
            // A fresh handler per fetch: fetches are rare (TTL) and the CA bundle file may have been renewed.
            using var handler = CaBundleTrust.CreateHandler(caBundlePath, options.Timeout);
            using var http = new HttpClient(handler) { Timeout = options.Timeout };
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new RemoteConfigException($"{shown} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            if (response.Content.Headers.ContentLength > options.MaxBytes)
            {
                throw new RemoteConfigException($"{shown} is larger than {options.MaxBytes} bytes.");
            }

            body = await ReadLimitedAsync(response.Content, options.MaxBytes, shown, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteConfigException($"{shown} did not answer within {options.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            throw new RemoteConfigException($"cannot fetch {shown}: {Innermost(ex).Message}", ex);
        }
        catch (CryptographicException ex)
        {
            throw new RemoteConfigException($"cannot read the CA bundle '{caBundlePath}' used for {shown}: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new RemoteConfigException($"cannot fetch {shown}: {ex.Message}", ex);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new RemoteConfigException($"{shown} must hold a JSON object, not {ConfigDocumentReader.Describe(document.RootElement)}.");
            }

            var values = new Dictionary<string, RawValue>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = new RawValue(property.Value.Clone(), origin);
            }

            return new RawInstance(values);
        }
        catch (JsonException ex)
        {
            throw new RemoteConfigException($"{shown} is not valid JSON (line {ex.LineNumber + 1}).", ex);
        }
    }

    /// <summary>The URL without user info, query or fragment: those may carry access keys.</summary>
    public static string Redact(Uri url) => url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, int maxBytes, string shown, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new RemoteConfigException($"{shown} is larger than {maxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
