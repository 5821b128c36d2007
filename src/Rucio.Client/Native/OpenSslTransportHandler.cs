using System.Net;
using System.Net.Sockets;

namespace Rucio.Client.Native;

/// <summary>
/// The HTTP transport of one X.509 authentication whose TLS runs in OpenSSL (<see cref="OpenSslClientContext"/>).
/// SocketsHttpHandler still does all of HTTP: it is handed the request with an http:// URI so that it does not
/// add its own SslStream, and its ConnectCallback returns a connection that OpenSSL has already secured. Every
/// connection it opens is therefore TLS with a verified server, whatever the URI says.
/// </summary>
internal sealed class OpenSslTransportHandler : DelegatingHandler
{
    private readonly OpenSslClientContext _context;

    /// <summary>Takes ownership of <paramref name="context"/>.</summary>
    public OpenSslTransportHandler(OpenSslClientContext context, TimeSpan connectTimeout)
    {
        _context = context;
        InnerHandler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            // An HTTP proxy would receive the request in clear text (the URI is http://) and be the TLS peer.
            UseProxy = false,
            ConnectCallback = ConnectAsync,
        };
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.RequestUri!;
        if (target.Scheme != Uri.UriSchemeHttps)
        {
            throw new RucioException(
                $"X.509 authentication needs an https:// auth server, not {target.GetLeftPart(UriPartial.Authority)}.",
                0,
                RucioException.InvalidCredentialCode);
        }

        var originalHost = request.Headers.Host;
        request.RequestUri = new UriBuilder(target) { Scheme = Uri.UriSchemeHttp, Port = target.Port }.Uri;
        request.Headers.Host = target.Authority;
        // One request per connection: a pooled connection would only serve a retry, which gets a fresh handshake.
        request.Headers.ConnectionClose = true;
        request.Version = HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError != HttpRequestError.SecureConnectionError
            && ex.InnerException is TlsAlertException rejection)
        {
            // A rejection after the handshake (TLS 1.3) surfaces while reading the response; classify it like a
            // handshake failure so that it is reported as a TLS problem and not retried.
            throw new HttpRequestException(
                HttpRequestError.SecureConnectionError, $"{rejection.Message} ({target.Authority})", rejection);
        }
        finally
        {
            request.RequestUri = target;
            request.Headers.Host = originalHost;
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _context.Dispose();
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext connection, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(connection.DnsEndPoint, cancellationToken);
            var host = connection.DnsEndPoint.Host;
            if (host.StartsWith('[') && host.EndsWith(']'))
            {
                host = host[1..^1];
            }

            return await OpenSslTlsStream.ConnectAsync(_context, socket, host, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
