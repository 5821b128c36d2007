using System.Net.Sockets;
using System.Security.Authentication;

namespace Rucio.Client.Native;

/// <summary>
/// A TLS client connection run by OpenSSL over memory BIOs: OpenSSL only transforms bytes, the managed socket
/// moves them, so every wait is async and cancellable and no thread blocks inside native code.
/// </summary>
/// <remarks>
/// Each OpenSSL call runs under <see cref="_sslLock"/> (an SSL object is not thread-safe and its error queue is
/// per thread, so call, error query and output collection stay together). The ciphertext a call produced is sent
/// while <see cref="_sendGate"/> is held, which keeps records in order when a read (e.g. answering a
/// renegotiation or post-handshake client-certificate request) and a write overlap.
/// </remarks>
internal sealed class OpenSslTlsStream : Stream
{
    private const int PlaintextChunk = 16 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly SafeSslHandle _ssl;
    private readonly IntPtr _readBio;
    private readonly IntPtr _writeBio;
    private readonly string _host;
    private readonly Lock _sslLock = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly byte[] _ciphertextIn = new byte[PlaintextChunk + 2048];
    private readonly byte[] _plaintextIn = new byte[PlaintextChunk];
    private bool _peerClosed;
    private bool _handshakeCompleted;
    private bool _disposed;

    private OpenSslTlsStream(Socket socket, SafeSslHandle ssl, IntPtr readBio, IntPtr writeBio, string host)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _ssl = ssl;
        _readBio = readBio;
        _writeBio = writeBio;
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
        OpenSsl.ERR_clear_error();
        var ssl = OpenSsl.SSL_new(context.Handle);
        var readBio = OpenSsl.BIO_new(OpenSsl.BIO_s_mem());
        var writeBio = OpenSsl.BIO_new(OpenSsl.BIO_s_mem());
        if (ssl.IsInvalid || readBio == IntPtr.Zero || writeBio == IntPtr.Zero)
        {
            FreeBio(readBio);
            FreeBio(writeBio);
            ssl.Dispose();
            throw new IOException("OpenSSL could not create a TLS session: " + OpenSsl.DrainErrors());
        }

        // From here on the SSL object owns both BIOs and frees them with itself.
        OpenSsl.SSL_set_bio(ssl, readBio, writeBio);
        var stream = new OpenSslTlsStream(socket, ssl, readBio, writeBio, host);
        try
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

            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // A zero-byte read waits for data without consuming it (SocketsHttpHandler uses them), hence SSL_peek.
        var peekOnly = buffer.IsEmpty;
        while (true)
        {
            var size = peekOnly ? 1 : Math.Min(buffer.Length, _plaintextIn.Length);
            var step = await StepAsync(
                ssl => peekOnly ? OpenSsl.SSL_peek(ssl, _plaintextIn, size) : OpenSsl.SSL_read(ssl, _plaintextIn, size),
                cancellationToken);
            switch (step.Error)
            {
                case OpenSsl.SSL_ERROR_NONE:
                    _plaintextIn.AsSpan(0, peekOnly ? 0 : step.Result).CopyTo(buffer.Span);
                    return peekOnly ? 0 : step.Result;
                case OpenSsl.SSL_ERROR_ZERO_RETURN:
                    return 0;
                case OpenSsl.SSL_ERROR_WANT_READ when !_peerClosed:
                    await ReceiveAsync(cancellationToken);
                    continue;
                default:
                    // Many servers close without close_notify; HTTP framing (Content-Length) still catches truncation.
                    if (_peerClosed && (step.Reason.Length == 0 || step.Reason.Contains("unexpected eof", StringComparison.OrdinalIgnoreCase)))
                    {
                        return 0;
                    }

                    // An alert here (TLS 1.3) is how a server rejects the client certificate after the handshake.
                    throw step.Reason.Contains("alert", StringComparison.Ordinal)
                        ? new TlsAlertException($"The server {_host} ended the TLS session: {Describe(step)}{ClientCertificateHint(step)}")
                        : new IOException($"The TLS connection to {_host} failed: {Describe(step)}");
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var chunk = buffer[..Math.Min(buffer.Length, PlaintextChunk)].ToArray();
            var step = await StepAsync(ssl => OpenSsl.SSL_write(ssl, chunk, chunk.Length), cancellationToken);
            if (step.Error != OpenSsl.SSL_ERROR_NONE)
            {
                // WANT_READ here would mean a renegotiation racing the request, which no Rucio server does.
                throw new IOException($"Sending over the TLS connection to {_host} failed: {Describe(step)}");
            }

            buffer = buffer[step.Result..];
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous callers are served by the async implementation; the library itself only uses the async path.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Ciphertext is sent as soon as OpenSSL produces it, so there is nothing to flush.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            byte[]? closeNotify = null;
            lock (_sslLock)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    if (_handshakeCompleted && !_peerClosed)
                    {
                        OpenSsl.ERR_clear_error();
                        OpenSsl.SSL_shutdown(_ssl);
                        closeNotify = DrainCiphertext();
                        OpenSsl.ERR_clear_error();
                    }

                    _ssl.Dispose();
                }
            }

            // Best effort close_notify, skipped when another operation is still sending.
            if (closeNotify is not null && _sendGate.Wait(0))
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

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var step = await StepAsync(OpenSsl.SSL_do_handshake, cancellationToken);
            if (step.Error == OpenSsl.SSL_ERROR_NONE)
            {
                _handshakeCompleted = true;
                return;
            }

            if (step.Error == OpenSsl.SSL_ERROR_WANT_READ && !_peerClosed)
            {
                await ReceiveAsync(cancellationToken);
                continue;
            }

            if (step.VerifyResult != OpenSsl.X509_V_OK)
            {
                throw new AuthenticationException(
                    $"The server certificate of {_host} is not trusted: {OpenSsl.VerifyErrorText(step.VerifyResult)}.");
            }

            throw new AuthenticationException($"The TLS handshake with {_host} failed: {Describe(step)}{ClientCertificateHint(step)}");
        }
    }

    /// <summary>Runs one OpenSSL call and sends whatever ciphertext it produced.</summary>
    private async ValueTask<SslStep> StepAsync(Func<SafeSslHandle, int> call, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            SslStep step;
            byte[]? output;
            lock (_sslLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                OpenSsl.ERR_clear_error();
                var result = call(_ssl);
                var error = result > 0 ? OpenSsl.SSL_ERROR_NONE : OpenSsl.SSL_get_error(_ssl, result);
                var failed = error is not (OpenSsl.SSL_ERROR_NONE or OpenSsl.SSL_ERROR_WANT_READ or OpenSsl.SSL_ERROR_ZERO_RETURN);
                step = new SslStep(
                    result,
                    error,
                    failed ? OpenSsl.DrainErrors() : "",
                    failed && !_handshakeCompleted ? OpenSsl.SSL_get_verify_result(_ssl) : OpenSsl.X509_V_OK);
                output = DrainCiphertext();
            }

            if (output is not null)
            {
                await _network.WriteAsync(output, cancellationToken);
            }

            return step;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Moves the next bytes from the socket into OpenSSL; at end of stream OpenSSL is told so.</summary>
    private async ValueTask ReceiveAsync(CancellationToken cancellationToken)
    {
        var count = await _network.ReadAsync(_ciphertextIn, cancellationToken);
        lock (_sslLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (count == 0)
            {
                _peerClosed = true;
                OpenSsl.SetMemoryBioEndOfStream(_readBio);
            }
            else if (OpenSsl.BIO_write(_readBio, _ciphertextIn, count) != count)
            {
                throw new IOException("OpenSSL could not buffer received data: " + OpenSsl.DrainErrors());
            }
        }
    }

    /// <summary>Takes the ciphertext OpenSSL queued in the write BIO. Caller holds <see cref="_sslLock"/>.</summary>
    private byte[]? DrainCiphertext()
    {
        var pending = (int)OpenSsl.BIO_ctrl_pending(_writeBio);
        if (pending <= 0)
        {
            return null;
        }

        var output = new byte[pending];
        if (OpenSsl.BIO_read(_writeBio, output, pending) != pending)
        {
            throw new IOException("OpenSSL returned less data than it announced: " + OpenSsl.DrainErrors());
        }

        return output;
    }

    private static string Describe(SslStep step) => step.Reason.Length > 0
        ? step.Reason
        : step.Error is OpenSsl.SSL_ERROR_SYSCALL or OpenSsl.SSL_ERROR_WANT_READ
            ? "the server closed the connection"
            : $"OpenSSL error {step.Error}";

    /// <summary>Certificate alerts from the server nearly always mean an incomplete, expired or untrusted client chain.</summary>
    private static string ClientCertificateHint(SslStep step) =>
        step.Reason.Contains("alert", StringComparison.Ordinal)
        && (step.Reason.Contains("certificate", StringComparison.Ordinal) || step.Reason.Contains("unknown ca", StringComparison.Ordinal))
            ? " (the server did not accept the client certificate: check that it is still valid, that a proxy file also "
              + "holds the user certificate, and that the server trusts the issuing CA)"
            : "";

    private static void FreeBio(IntPtr bio)
    {
        if (bio != IntPtr.Zero)
        {
            OpenSsl.BIO_free(bio);
        }
    }

    private readonly record struct SslStep(int Result, int Error, string Reason, long VerifyResult);
}

/// <summary>
/// The server sent a fatal TLS alert after the handshake. An IOException so that HTTP stacks treat it as a broken
/// connection; its own type lets <see cref="OpenSslTransportHandler"/> report it as the TLS failure it is.
/// </summary>
internal sealed class TlsAlertException(string message) : IOException(message);
