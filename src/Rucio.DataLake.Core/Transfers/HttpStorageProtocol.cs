using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Rucio.Client;
using Rucio.DataLake.Core.Security;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>
/// <c>https</c>/<c>davs</c> (and plain <c>http</c>/<c>dav</c>) storage. Reads resume with a Range request; WebDAV uploads go
/// to a temporary name and are renamed with MOVE; every upload is checked with HEAD (size, and the adler32 digest when
/// the server offers one).
/// </summary>
internal sealed class HttpStorageProtocol(StorageAccessOptions options) : IStorageProtocol, IDisposable
{
    private const string UploadSuffix = ".rucio.upload";
    private readonly Lazy<HttpClient> _client = new(() => CreateClient(options));

    public IReadOnlyList<string> Schemes { get; } = ["https", "davs", "http", "dav"];

    public bool CanUse(RseProtocol protocol, out string? reason)
    {
        reason = null;
        return true;
    }

    public async Task DownloadAsync(string pfn, string partPath, TransferMeter meter, CancellationToken cancellationToken)
    {
        var offset = Math.Max(0, LocalFiles.LengthOrMissing(partPath));
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(options.HttpIdleTimeout);
        using var request = await CreateRequestAsync(HttpMethod.Get, pfn, idle.Token);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        using var response = await SendAsync(request, pfn, idle.Token, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The part is as long as (or longer than) the file: start over rather than trust it.
            LocalFiles.DeleteQuietly(partPath);
            await DownloadAsync(pfn, partPath, meter, cancellationToken);
            return;
        }

        EnsureSuccess(response, "reading", pfn);
        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            offset = 0;
        }

        await using var output = LocalFiles.OpenPart(partPath, offset);
        await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
        meter.Reset(offset);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Checksums.BufferSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, Checksums.BufferSize), idle.Token)) > 0)
            {
                idle.CancelAfter(options.HttpIdleTimeout);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await meter.OnBytesAsync(read, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Stalled(pfn);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        LocalFiles.FlushToDisk(output);
    }

    public async Task UploadAsync(string sourcePath, string pfn, FileChecksum checksum, TransferMeter meter, CancellationToken cancellationToken)
    {
        var webDav = pfn.StartsWith("davs://", StringComparison.OrdinalIgnoreCase) || pfn.StartsWith("dav://", StringComparison.OrdinalIgnoreCase);
        if (webDav)
        {
            var temporary = pfn + UploadSuffix;
            await PutAsync(sourcePath, temporary, checksum, meter, cancellationToken);
            if (!await TryMoveAsync(temporary, pfn, cancellationToken))
            {
                // A server without MOVE: the direct PUT below is still checked before anything is registered.
                await DeleteAsync(temporary, cancellationToken);
                await PutAsync(sourcePath, pfn, checksum, meter, cancellationToken);
            }
        }
        else
        {
            await PutAsync(sourcePath, pfn, checksum, meter, cancellationToken);
        }

        await VerifyAsync(pfn, checksum, cancellationToken);
    }

    public async Task<long?> GetSizeAsync(string pfn, CancellationToken cancellationToken) =>
        (await HeadAsync(pfn, cancellationToken)).Size;

    public async Task DeleteAsync(string pfn, CancellationToken cancellationToken)
    {
        using var request = await CreateRequestAsync(HttpMethod.Delete, pfn, cancellationToken);
        using var response = await SendAsync(request, pfn, cancellationToken, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            EnsureSuccess(response, "deleting", pfn);
        }
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    /// <summary>davs → https and dav → http: the wire protocol of WebDAV URLs.</summary>
    internal static Uri WireUri(string pfn)
    {
        var uri = new Uri(pfn);
        var scheme = uri.Scheme switch
        {
            "davs" => Uri.UriSchemeHttps,
            "dav" => Uri.UriSchemeHttp,
            _ => uri.Scheme,
        };
        return new UriBuilder(uri) { Scheme = scheme, Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri;
    }

    /// <summary>The PFN without its query: signed URLs carry secrets there.</summary>
    internal static string Safe(string pfn)
    {
        var query = pfn.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? pfn : pfn[..query] + "?…";
    }

    private async Task PutAsync(string sourcePath, string pfn, FileChecksum checksum, TransferMeter meter, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(options.HttpIdleTimeout);
            meter.Reset(0);
            FileStream file;
            try
            {
                file = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                throw new TransferException(TransferFailure.SourceMissing, $"'{sourcePath}' cannot be read: {ex.Message}", ex);
            }

            using var request = await CreateRequestAsync(HttpMethod.Put, pfn, idle.Token);
            request.Content = new StreamContent(new MeteredReadStream(file, meter, () => idle.CancelAfter(options.HttpIdleTimeout)), Checksums.BufferSize);
            request.Content.Headers.ContentLength = checksum.Bytes;
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await SendAsync(request, pfn, idle.Token, cancellationToken);

            // A missing parent collection is 409 in WebDAV (RFC 4918), and 500 from nginx's dav module: create the
            // collections once and retry; a real server error repeats and is reported then.
            if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.InternalServerError && attempt == 0)
            {
                await CreateCollectionsAsync(pfn, cancellationToken);
                continue;
            }

            EnsureSuccess(response, "writing", pfn);
            return;
        }
    }

    private async Task<bool> TryMoveAsync(string from, string to, CancellationToken cancellationToken)
    {
        using var request = await CreateRequestAsync(new HttpMethod("MOVE"), from, cancellationToken);
        request.Headers.TryAddWithoutValidation("Destination", WireUri(to).AbsoluteUri);
        request.Headers.TryAddWithoutValidation("Overwrite", "T");
        using var response = await SendAsync(request, from, cancellationToken, cancellationToken);
        if (response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented or HttpStatusCode.NotFound)
        {
            return false;
        }

        EnsureSuccess(response, "renaming the upload of", to);
        return true;
    }

    private async Task CreateCollectionsAsync(string pfn, CancellationToken cancellationToken)
    {
        var uri = WireUri(pfn);
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = "/";
        foreach (var segment in segments[..^1])
        {
            path += segment + "/";
            var collection = new UriBuilder(uri) { Path = path, Query = string.Empty }.Uri.AbsoluteUri;
            using var request = await CreateRequestAsync(new HttpMethod("MKCOL"), collection, cancellationToken);
            using var response = await SendAsync(request, collection, cancellationToken, cancellationToken);

            // 405 means it exists already; other failures surface at the retried PUT with a clearer status.
        }
    }

    private async Task VerifyAsync(string pfn, FileChecksum checksum, CancellationToken cancellationToken)
    {
        var (size, adler32) = await HeadAsync(pfn, cancellationToken);
        var sizeOk = size == checksum.Bytes;
        var digestOk = adler32 is null || Checksums.NormalizeAdler32(adler32) == checksum.Adler32;
        if (sizeOk && digestOk)
        {
            return;
        }

        await DeleteAsync(pfn, cancellationToken);
        throw new TransferException(TransferFailure.ChecksumMismatch,
            $"The storage reports {(size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no")} bytes{(adler32 is null ? string.Empty : $" and adler32 {adler32}")} for {Safe(pfn)}, expected {checksum.Bytes} bytes and adler32 {checksum.Adler32}; the upload was removed.");
    }

    private async Task<(long? Size, string? Adler32)> HeadAsync(string pfn, CancellationToken cancellationToken)
    {
        using var request = await CreateRequestAsync(HttpMethod.Head, pfn, cancellationToken);
        request.Headers.TryAddWithoutValidation("Want-Digest", "adler32");
        using var response = await SendAsync(request, pfn, cancellationToken, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }

        EnsureSuccess(response, "checking", pfn);
        string? adler32 = null;
        if (response.Headers.TryGetValues("Digest", out var digests))
        {
            // RFC 3230: "adler32=0a1b2c3d" (hex for adler32), possibly among other algorithms.
            adler32 = digests.SelectMany(d => d.Split(','))
                .Select(d => d.Trim())
                .Where(d => d.StartsWith("adler32=", StringComparison.OrdinalIgnoreCase))
                .Select(d => d["adler32=".Length..])
                .FirstOrDefault();
        }

        return (response.Content.Headers.ContentLength, adler32);
    }

    private async Task<HttpRequestMessage> CreateRequestAsync(HttpMethod method, string pfn, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, WireUri(pfn));
        if (options.BearerToken is { } tokenSource && await tokenSource(request.RequestUri!, cancellationToken) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string pfn, CancellationToken idleToken, CancellationToken callerToken)
    {
        try
        {
            return await _client.Value.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idleToken);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            throw Stalled(pfn);
        }
        catch (HttpRequestException ex)
        {
            throw new TransferException(TransferFailure.StorageError, $"The storage of {Safe(pfn)} cannot be reached: {ex.Message}", ex);
        }
    }

    private TransferException Stalled(string pfn) =>
        new(TransferFailure.StorageError, $"The storage of {Safe(pfn)} sent nothing for {options.HttpIdleTimeout.TotalSeconds:0} s.");

    private static void EnsureSuccess(HttpResponseMessage response, string action, string pfn)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var hint = status switch
        {
            401 or 403 => " (the storage does not accept these credentials: check the X.509 proxy or token)",
            404 => " (no such file on the storage)",
            507 => " (the storage is full)",
            _ => string.Empty,
        };
        throw new TransferException(status == 507 ? TransferFailure.DiskFull : TransferFailure.StorageError,
            $"The storage answered HTTP {status} {response.ReasonPhrase} when {action} {Safe(pfn)}{hint}.");
    }

    private static HttpClient CreateClient(StorageAccessOptions options)
    {
        var handler = CaBundleTrust.CreateHandler(options.CaBundlePath, TimeSpan.FromSeconds(30));
        handler.AutomaticDecompression = DecompressionMethods.None;
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
        if (LoadClientCertificate(options) is { } context)
        {
            handler.SslOptions.ClientCertificateContext = context;
        }

        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The proxy (with its chain) or the certificate and key, as the grid storage expects them.</summary>
    private static SslStreamCertificateContext? LoadClientCertificate(StorageAccessOptions options)
    {
        var certificatePath = options.ProxyPath ?? options.ClientCertificatePath;
        if (certificatePath is null)
        {
            return null;
        }

        var keyPath = options.ProxyPath ?? options.ClientKeyPath ?? certificatePath;
        var leaf = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificatePath);
        var chain = new X509Certificate2Collection();
        foreach (var certificate in all.Skip(1))
        {
            chain.Add(certificate);
        }

        return SslStreamCertificateContext.Create(leaf, chain, offline: true);
    }
}
