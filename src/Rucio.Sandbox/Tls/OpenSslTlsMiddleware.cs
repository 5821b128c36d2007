using System.IO.Pipelines;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Rucio.Sandbox.Tls;

/// <summary>
/// Kestrel connection middleware terminating TLS with OpenSSL (<see cref="OpenSslServerContext"/>): handshake on
/// the raw transport, then the HTTP layer runs on the decrypted stream with <see cref="VerifiedClientChain"/> as
/// the connection's TLS feature. Placed in front of Kestrel's HTTPS middleware, which sees that feature and
/// passes the connection through without starting an SslStream of its own.
/// </summary>
internal sealed partial class OpenSslTlsMiddleware(
    ConnectionDelegate next, OpenSslServerContext context, TimeProvider time, ILogger<OpenSslTlsMiddleware> logger)
{
    /// <summary>As Kestrel's default: a client that neither completes nor abandons the handshake is dropped.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        await using var tls = OpenSslServerStream.Create(context, connection.Transport, time.GetUtcNow());
        if (!await TryHandshakeAsync(connection, tls))
        {
            // Returning closes the connection; the alert OpenSSL produced has already been written.
            return;
        }

        using var chain = new VerifiedClientChain(tls.VerifiedPeerChain());
        connection.Features.Set<ITlsConnectionFeature>(chain);
        connection.Features.Set(chain);
        var originalTransport = connection.Transport;
        var input = PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true));
        var output = PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true));
        connection.Transport = new DuplexPipe(input, output);
        try
        {
            await next(connection);
        }
        finally
        {
            // Kestrel closes the transport it handed out, so it gets its own back (first: completing may throw).
            connection.Transport = originalTransport;
            await input.CompleteAsync();
            await output.CompleteAsync();
            await tls.ShutdownAsync();
        }
    }

    private async Task<bool> TryHandshakeAsync(ConnectionContext connection, OpenSslServerStream tls)
    {
        using var timeout = new CancellationTokenSource(HandshakeTimeout, time);
        using var abandoned = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, connection.ConnectionClosed);
        try
        {
            await tls.HandshakeAsync(abandoned.Token);
            return true;
        }
        catch (AuthenticationException ex)
        {
            LogHandshakeRefused(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(), ex.Message);
        }
        catch (OperationCanceledException)
        {
            LogHandshakeAbandoned(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(), null);
        }
        catch (IOException ex)
        {
            LogHandshakeAbandoned(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(), ex);
        }

        return false;
    }

    // Refusals are worth seeing when setting up certificates; they carry no secret (reason text and addresses only).
    [LoggerMessage(Level = LogLevel.Information, Message = "TLS connection {ConnectionId} from {Remote} refused: {Reason}")]
    private static partial void LogHandshakeRefused(ILogger logger, string connectionId, string? remote, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TLS connection {ConnectionId} from {Remote} closed or timed out during the handshake")]
    private static partial void LogHandshakeAbandoned(ILogger logger, string connectionId, string? remote, Exception? exception);

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
