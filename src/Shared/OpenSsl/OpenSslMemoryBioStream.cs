using System.Security.Authentication;

namespace Rucio.Client.Native;

/// <summary>
/// One end of a TLS connection run by OpenSSL over memory BIOs: OpenSSL only transforms bytes and the derived
/// class's transport moves them, so every wait is async and cancellable and no thread blocks inside native code.
/// </summary>
/// <remarks>
/// <para>
/// Compiled into Rucio.Client (the client end, over a socket) and Rucio.Sandbox (the server end, over Kestrel's
/// transport pipe), as the P/Invoke declarations in <see cref="OpenSsl"/> are; it takes their namespace so the
/// file compiles unchanged in both. The ends differ only in transport, session setup and how failures read.
/// </para>
/// <para>
/// Each OpenSSL call runs under <see cref="_sslLock"/> (an SSL object is not thread-safe and its error queue is
/// per thread, so call, error query and output collection stay together). The ciphertext a call produced is sent
/// while <see cref="_sendGate"/> is held, which keeps records in the order OpenSSL made them when a read (e.g.
/// answering a post-handshake certificate request) and a write overlap.
/// </para>
/// </remarks>
internal abstract class OpenSslMemoryBioStream : Stream
{
    private const int MaxRecordPlaintext = 16 * 1024;

    private readonly SafeSslHandle _ssl;
    private readonly IntPtr _readBio;
    private readonly IntPtr _writeBio;
    private readonly string _peerRole;
    private readonly string _connectionName;
    private readonly Lock _sslLock = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly byte[] _incomingCiphertext = new byte[MaxRecordPlaintext + 2048];
    private readonly byte[] _incomingPlaintext = new byte[MaxRecordPlaintext];
    private readonly byte[] _outgoingPlaintext = new byte[MaxRecordPlaintext];
    private bool _disposed;

    /// <summary>Creates an SSL session on <paramref name="context"/> that reads and writes through two memory BIOs.</summary>
    /// <param name="context">The configured SSL_CTX (client or server method).</param>
    /// <param name="peerRole">Who is at the other end ("server" or "client"), for error messages.</param>
    /// <param name="connectionName">How error messages name this connection, e.g. "TLS connection to host".</param>
    protected OpenSslMemoryBioStream(SafeSslContextHandle context, string peerRole, string connectionName)
    {
        OpenSsl.ERR_clear_error();
        var ssl = OpenSsl.SSL_new(context);
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
        _ssl = ssl;
        _readBio = readBio;
        _writeBio = writeBio;
        _peerRole = peerRole;
        _connectionName = connectionName;
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

    /// <summary>True once the handshake succeeded.</summary>
    protected bool HandshakeCompleted { get; private set; }

    /// <summary>True once the transport reported its end (OpenSSL has been told there is no more input).</summary>
    protected bool PeerClosed { get; private set; }

    /// <summary>Runs the handshake, in whichever role the derived class set on the session.</summary>
    /// <exception cref="AuthenticationException">The handshake failed, e.g. a certificate did not verify.</exception>
    public async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var step = await StepAsync(OpenSsl.SSL_do_handshake, cancellationToken);
            if (step.Error == OpenSsl.SSL_ERROR_NONE)
            {
                HandshakeCompleted = true;
                return;
            }

            if (step.Error == OpenSsl.SSL_ERROR_WANT_READ && !PeerClosed)
            {
                await ReceiveAsync(cancellationToken);
                continue;
            }

            throw HandshakeFailure(step);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // A zero-byte read waits for data without consuming any (SocketsHttpHandler and Kestrel use them), hence SSL_peek.
        var peekOnly = buffer.IsEmpty;
        while (true)
        {
            var size = peekOnly ? 1 : Math.Min(buffer.Length, _incomingPlaintext.Length);
            var step = await StepAsync(
                ssl => peekOnly ? OpenSsl.SSL_peek(ssl, _incomingPlaintext, size) : OpenSsl.SSL_read(ssl, _incomingPlaintext, size),
                cancellationToken);
            if (step.Error == OpenSsl.SSL_ERROR_NONE)
            {
                if (peekOnly)
                {
                    return 0;
                }

                _incomingPlaintext.AsSpan(0, step.Result).CopyTo(buffer.Span);
                return step.Result;
            }

            if (step.Error == OpenSsl.SSL_ERROR_WANT_READ && !PeerClosed)
            {
                await ReceiveAsync(cancellationToken);
                continue;
            }

            if (FailureEndingRead(step) is { } failure)
            {
                throw failure;
            }

            return 0;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var chunk = buffer[..Math.Min(buffer.Length, _outgoingPlaintext.Length)];
            var step = await StepAsync(
                ssl =>
                {
                    // Safe to share: StepAsync runs one operation at a time.
                    chunk.Span.CopyTo(_outgoingPlaintext);
                    return OpenSsl.SSL_write(ssl, _outgoingPlaintext, chunk.Length);
                },
                cancellationToken);
            if (step.Error != OpenSsl.SSL_ERROR_NONE)
            {
                // WANT_READ here would mean a renegotiation racing the data, which neither end here starts.
                throw new IOException($"Sending over the {_connectionName} failed: {Describe(step)}");
            }

            buffer = buffer[step.Result..];
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous callers are served by the async implementation; HttpClient and Kestrel only use the async path.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Ciphertext is sent as soon as OpenSSL produces it, so there is nothing to flush.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Hands <paramref name="ciphertext"/> to the transport, in full.</summary>
    protected abstract ValueTask SendCiphertextAsync(byte[] ciphertext, CancellationToken cancellationToken);

    /// <summary>Waits for received bytes and copies them into <paramref name="buffer"/>; 0 only at the transport's end.</summary>
    protected abstract ValueTask<int> ReceiveCiphertextAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>The exception for a handshake that ended in <paramref name="step"/>.</summary>
    protected abstract AuthenticationException HandshakeFailure(SslStep step);

    /// <summary>
    /// The exception for a read that ended in <paramref name="step"/> (neither data nor a need for more input), or
    /// null when this end accepts it as the end of the stream.
    /// </summary>
    protected abstract Exception? FailureEndingRead(SslStep step);

    /// <summary>Runs <paramref name="use"/> on the session under the lock that serialises OpenSSL calls.</summary>
    protected T UseSession<T>(Func<SafeSslHandle, T> use)
    {
        lock (_sslLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return use(_ssl);
        }
    }

    /// <inheritdoc cref="UseSession{T}(Func{SafeSslHandle, T})"/>
    protected void UseSession(Action<SafeSslHandle> use) => UseSession(ssl =>
    {
        use(ssl);
        return true;
    });

    /// <summary>Runs one OpenSSL call and sends whatever ciphertext it produced.</summary>
    protected async ValueTask<SslStep> StepAsync(Func<SafeSslHandle, int> call, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            SslStep step;
            byte[]? ciphertext;
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
                    failed && !HandshakeCompleted ? OpenSsl.SSL_get_verify_result(_ssl) : OpenSsl.X509_V_OK);
                ciphertext = TakeCiphertext();
            }

            if (ciphertext is not null)
            {
                await SendCiphertextAsync(ciphertext, cancellationToken);
            }

            return step;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>
    /// Frees the SSL session, once. With <paramref name="produceCloseNotify"/>, after a completed handshake and while
    /// the peer is still there, OpenSSL first makes its close_notify alert, whose bytes are returned for the caller
    /// to send as it can (a disposing stream cannot wait for the transport).
    /// </summary>
    protected byte[]? CloseSession(bool produceCloseNotify)
    {
        lock (_sslLock)
        {
            if (_disposed)
            {
                return null;
            }

            _disposed = true;
            byte[]? closeNotify = null;
            if (produceCloseNotify && HandshakeCompleted && !PeerClosed)
            {
                OpenSsl.ERR_clear_error();
                OpenSsl.SSL_shutdown(_ssl);
                closeNotify = TakeCiphertext();
                OpenSsl.ERR_clear_error();
            }

            _ssl.Dispose();
            return closeNotify;
        }
    }

    /// <summary>
    /// Claims the send gate without waiting, for a last write while disposing; false when another operation is
    /// sending (its records must not be interleaved). A claimed gate is never released: the stream is done.
    /// </summary>
    protected bool TryClaimSendGateForClose() => _sendGate.Wait(0);

    /// <summary>The description of a failed step: OpenSSL's reason, else what the error code means here.</summary>
    protected string Describe(SslStep step) => step.Reason.Length > 0
        ? step.Reason
        : step.Error is OpenSsl.SSL_ERROR_SYSCALL or OpenSsl.SSL_ERROR_WANT_READ
            ? $"the {_peerRole} closed the connection"
            : $"OpenSSL error {step.Error}";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseSession(produceCloseNotify: false);
        }

        base.Dispose(disposing);
    }

    /// <summary>Moves the next received bytes into OpenSSL; at the transport's end OpenSSL is told so.</summary>
    private async ValueTask ReceiveAsync(CancellationToken cancellationToken)
    {
        var count = await ReceiveCiphertextAsync(_incomingCiphertext, cancellationToken);
        lock (_sslLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (count == 0)
            {
                PeerClosed = true;
                OpenSsl.SetMemoryBioEndOfStream(_readBio);
            }
            else if (OpenSsl.BIO_write(_readBio, _incomingCiphertext, count) != count)
            {
                throw new IOException("OpenSSL could not buffer received data: " + OpenSsl.DrainErrors());
            }
        }
    }

    /// <summary>Takes the ciphertext OpenSSL queued in the write BIO, if any. Caller holds <see cref="_sslLock"/>.</summary>
    private byte[]? TakeCiphertext()
    {
        var pending = (int)OpenSsl.BIO_ctrl_pending(_writeBio);
        if (pending <= 0)
        {
            return null;
        }

        var ciphertext = new byte[pending];
        if (OpenSsl.BIO_read(_writeBio, ciphertext, pending) != pending)
        {
            throw new IOException("OpenSSL returned less data than it announced: " + OpenSsl.DrainErrors());
        }

        return ciphertext;
    }

    private static void FreeBio(IntPtr bio)
    {
        if (bio != IntPtr.Zero)
        {
            OpenSsl.BIO_free(bio);
        }
    }

    /// <summary>The outcome of one OpenSSL call: its result, SSL_get_error code, error text and (during the handshake) the verify result.</summary>
    protected readonly record struct SslStep(int Result, int Error, string Reason, long VerifyResult);
}
