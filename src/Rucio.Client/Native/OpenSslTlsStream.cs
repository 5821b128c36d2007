using System.Net.Sockets;
using System.Security.Authentication;

namespace Rucio.Client.Native;

/// <summary>
/// The client end of a TLS connection run by OpenSSL over memory BIOs (<see cref="OpenSslMemoryBioStream"/>), on
/// top of a connected socket the stream owns.
/// </summary>
internal sealed class OpenSslTlsStream : OpenSslMemoryBioStream
{
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly string _host;

    private OpenSslTlsStream(OpenSslClientContext context, Socket socket, string host)
        : base(context.Handle, peerRole: "server", connectionName: $"TLS connection to {host}")
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _host = host;
    }

    /// <summary>
    /// Runs the TLS handshake with <paramref name="host"/> (a DNS name or an IP literal, checked against the server
    /// certificate) over the connected <paramref name="socket"/>, which the stream then owns.
    /// </summary>
    /// <exception cref="AuthenticationException">The handshake failed, e.g. the server certificate is not trusted.</exception>
    public static async Task<OpenSslTlsStream> ConnectAsync(OpenSslClientContext context, Socket socket, string host, CancellationToken cancellationToken)
    {
        var stream = Create(context, socket, host);
        try
        {
            await stream.HandshakeAsync(cancellationToken);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private static OpenSslTlsStream Create(OpenSslClientContext context, Socket socket, string host)
    {
        var stream = new OpenSslTlsStream(context, socket, host);
        try
        {
            stream.UseSession(ssl =>
            {
                OpenSsl.SSL_set_connect_state(ssl);
                // Servers that ask for the certificate only after reading the request (TLS 1.3) need this advertised.
                OpenSsl.SSL_set_post_handshake_auth(ssl, 1);
                var isIpAddress = Uri.CheckHostName(host) is UriHostNameType.IPv4 or UriHostNameType.IPv6;
                var nameSet = isIpAddress
                    ? OpenSsl.X509_VERIFY_PARAM_set1_ip_asc(OpenSsl.SSL_get0_param(ssl), host) == 1
                    : OpenSsl.SSL_set1_host(ssl, host) == 1 && OpenSsl.SetServerNameIndication(ssl, host);
                if (!nameSet)
                {
                    throw new IOException($"OpenSSL cannot check the server name '{host}': {OpenSsl.DrainErrors()}");
                }
            });
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    protected override ValueTask SendCiphertextAsync(byte[] ciphertext, CancellationToken cancellationToken) =>
        _network.WriteAsync(ciphertext, cancellationToken);

    protected override ValueTask<int> ReceiveCiphertextAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _network.ReadAsync(buffer, cancellationToken);

    protected override AuthenticationException HandshakeFailure(SslStep step) => step.VerifyResult != OpenSsl.X509_V_OK
        ? new AuthenticationException($"The server certificate of {_host} is not trusted: {OpenSsl.VerifyErrorText(step.VerifyResult)}.")
        : new AuthenticationException($"The TLS handshake with {_host} failed: {Describe(step)}{ClientCertificateHint(step)}");

    protected override Exception? FailureEndingRead(SslStep step)
    {
        // close_notify; many servers just close instead, and HTTP framing (Content-Length) still catches truncation.
        if (step.Error == OpenSsl.SSL_ERROR_ZERO_RETURN
            || (PeerClosed && (step.Reason.Length == 0 || step.Reason.Contains("unexpected eof", StringComparison.OrdinalIgnoreCase))))
        {
            return null;
        }

        // An alert here (TLS 1.3) is how a server rejects the client certificate after the handshake.
        return step.Reason.Contains("alert", StringComparison.Ordinal)
            ? new TlsAlertException($"The server {_host} ended the TLS session: {Describe(step)}{ClientCertificateHint(step)}")
            : new IOException($"The TLS connection to {_host} failed: {Describe(step)}");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            var closeNotify = CloseSession(produceCloseNotify: true);
            // Best effort close_notify, skipped when another operation is still sending.
            if (closeNotify is not null && TryClaimSendGateForClose())
            {
                try
                {
                    _socket.Send(closeNotify, SocketFlags.None);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // The peer is gone already; nothing to tell it.
                }
            }

            _network.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Certificate alerts from the server nearly always mean an incomplete, expired or untrusted client chain.</summary>
    private static string ClientCertificateHint(SslStep step) =>
        step.Reason.Contains("alert", StringComparison.Ordinal)
        && (step.Reason.Contains("certificate", StringComparison.Ordinal) || step.Reason.Contains("unknown ca", StringComparison.Ordinal))
            ? " (the server did not accept the client certificate: check that it is still valid, that a proxy file also "
              + "holds the user certificate, and that the server trusts the issuing CA)"
            : "";
}

/// <summary>
/// The server sent a fatal TLS alert after the handshake. An IOException so that HTTP stacks treat it as a broken
/// connection; its own type lets <see cref="OpenSslTransportHandler"/> report it as the TLS failure it is.
/// </summary>
internal sealed class TlsAlertException(string message) : IOException(message);
