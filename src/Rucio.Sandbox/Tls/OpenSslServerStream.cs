using System.Buffers;
using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Rucio.Client.Native;
using static Rucio.Sandbox.Tls.OpenSslServerInterop;

namespace Rucio.Sandbox.Tls;

/// <summary>
/// The server end of one TLS connection, run by OpenSSL over memory BIOs on top of Kestrel's transport pipe:
/// OpenSSL only transforms bytes and the pipe moves them, so every wait is async and no thread blocks in native code.
/// </summary>
/// <remarks>
/// Native calls run under <see cref="_sslLock"/> (an SSL object is not thread-safe and OpenSSL's error queue is
/// per thread). The ciphertext a call produced is written while <see cref="_sendGate"/> is held, so records leave
/// in the order OpenSSL made them even when Kestrel reads and writes at the same time. That ciphertext is always
/// written in full, never cancelled: OpenSSL's state has already moved past it.
/// </remarks>
internal sealed class OpenSslServerStream : Stream
{
    private const int MaxRecordPlaintext = 16 * 1024;

    private readonly IDuplexPipe _transport;
    private readonly SafeSslHandle _ssl;
    private readonly IntPtr _readBio;
    private readonly IntPtr _writeBio;
    private readonly Lock _sslLock = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly byte[] _incomingCiphertext = new byte[MaxRecordPlaintext + 2048];
    private readonly byte[] _incomingPlaintext = new byte[MaxRecordPlaintext];
    private readonly byte[] _outgoingPlaintext = new byte[MaxRecordPlaintext];
    private bool _transportEnded;
    private bool _established;
    private bool _shutdownSent;
    private bool _disposed;

    private OpenSslServerStream(IDuplexPipe transport, SafeSslHandle ssl, IntPtr readBio, IntPtr writeBio)
    {
        _transport = transport;
        _ssl = ssl;
        _readBio = readBio;
        _writeBio = writeBio;
    }

    /// <summary>A session that will accept a handshake on <paramref name="transport"/>, judging certificates at <paramref name="now"/>.</summary>
    public static OpenSslServerStream Create(OpenSslServerContext context, IDuplexPipe transport, DateTimeOffset now)
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

        // The SSL object owns both BIOs from here on and frees them with itself.
        OpenSsl.SSL_set_bio(ssl, readBio, writeBio);
        SSL_set_accept_state(ssl);
        // Certificate validity is judged by the Sandbox's clock (a TimeProvider), not the machine's.
        X509_VERIFY_PARAM_set_time(OpenSsl.SSL_get0_param(ssl), now.ToUnixTimeSeconds());
        return new OpenSslServerStream(transport, ssl, readBio, writeBio);
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

    /// <exception cref="AuthenticationException">The handshake failed, e.g. the client certificate did not verify.</exception>
    public async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var step = await RunAsync(OpenSsl.SSL_do_handshake, cancellationToken);
            if (step.Error == OpenSsl.SSL_ERROR_NONE)
            {
                _established = true;
                return;
            }

            if (step.Error == OpenSsl.SSL_ERROR_WANT_READ && !_transportEnded)
            {
                await ReceiveAsync(cancellationToken);
                continue;
            }

            throw new AuthenticationException(step.VerifyResult != OpenSsl.X509_V_OK
                ? "client certificate refused: " + OpenSsl.VerifyErrorText(step.VerifyResult)
                : "TLS handshake failed: " + Describe(step));
        }
    }

    /// <summary>
    /// The client's certificate chain as OpenSSL verified it against the client CA: the presented certificate
    /// first (a proxy or a user certificate), the trust anchor last; empty when the client sent no certificate.
    /// The caller owns (disposes) the certificates.
    /// </summary>
    public IReadOnlyList<X509Certificate2> VerifiedPeerChain()
    {
        lock (_sslLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var chainStack = _established && OpenSsl.SSL_get_verify_result(_ssl) == OpenSsl.X509_V_OK
                ? SSL_get0_verified_chain(_ssl)
                : IntPtr.Zero;
            var count = chainStack == IntPtr.Zero ? 0 : OPENSSL_sk_num(chainStack);
            var chain = new List<X509Certificate2>(Math.Max(count, 0));
            try
            {
                for (var i = 0; i < count; i++)
                {
                    chain.Add(X509CertificateLoader.LoadCertificate(ExportDer(OPENSSL_sk_value(chainStack, i))));
                }
            }
            catch
            {
                chain.ForEach(certificate => certificate.Dispose());
                throw;
            }

            return chain;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // A zero-byte read waits for data without consuming any, hence SSL_peek.
        var peekOnly = buffer.IsEmpty;
        while (true)
        {
            var size = peekOnly ? 1 : Math.Min(buffer.Length, _incomingPlaintext.Length);
            var step = await RunAsync(
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

            if (step.Error == OpenSsl.SSL_ERROR_WANT_READ && !_transportEnded)
            {
                await ReceiveAsync(cancellationToken);
                continue;
            }

            // close_notify, or a client that just closed its socket (common; HTTP framing still catches truncation).
            if (step.Error == OpenSsl.SSL_ERROR_ZERO_RETURN || _transportEnded)
            {
                return 0;
            }

            throw new IOException("The TLS connection failed: " + Describe(step));
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var chunk = buffer[..Math.Min(buffer.Length, _outgoingPlaintext.Length)];
            var step = await RunAsync(
                ssl =>
                {
                    // Safe to share: RunAsync runs one operation at a time.
                    chunk.Span.CopyTo(_outgoingPlaintext);
                    return OpenSsl.SSL_write(ssl, _outgoingPlaintext, chunk.Length);
                },
                cancellationToken);
            if (step.Error != OpenSsl.SSL_ERROR_NONE)
            {
                throw new IOException("Sending over the TLS connection failed: " + Describe(step));
            }

            buffer = buffer[step.Result..];
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Kestrel only uses the async members; the synchronous ones exist because Stream demands them.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Ciphertext is written to the transport as soon as OpenSSL produces it: nothing to flush.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Sends close_notify once, best effort: the client may be gone already.</summary>
    public async ValueTask ShutdownAsync()
    {
        if (!_established || _shutdownSent)
        {
            return;
        }

        _shutdownSent = true;
        try
        {
            await RunAsync(OpenSsl.SSL_shutdown, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Nobody left to tell; the connection is closed either way.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_sslLock)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    _ssl.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Runs one OpenSSL operation and writes whatever ciphertext it produced to the transport.</summary>
    private async ValueTask<SslStep> RunAsync(Func<SafeSslHandle, int> operation, CancellationToken cancellationToken)
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
                var result = operation(_ssl);
                var error = result > 0 ? OpenSsl.SSL_ERROR_NONE : OpenSsl.SSL_get_error(_ssl, result);
                var failed = error is not (OpenSsl.SSL_ERROR_NONE or OpenSsl.SSL_ERROR_WANT_READ or OpenSsl.SSL_ERROR_ZERO_RETURN);
                step = new SslStep(
                    result,
                    error,
                    failed ? OpenSsl.DrainErrors() : "",
                    failed && !_established ? OpenSsl.SSL_get_verify_result(_ssl) : OpenSsl.X509_V_OK);
                ciphertext = TakeCiphertext();
            }

            if (ciphertext is not null)
            {
                await _transport.Output.WriteAsync(ciphertext, CancellationToken.None);
            }

            return step;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Hands the next received bytes to OpenSSL; at the end of the transport OpenSSL is told so.</summary>
    private async ValueTask ReceiveAsync(CancellationToken cancellationToken)
    {
        var input = _transport.Input;
        var read = await input.ReadAsync(cancellationToken);
        var count = (int)Math.Min(read.Buffer.Length, _incomingCiphertext.Length);
        read.Buffer.Slice(0, count).CopyTo(_incomingCiphertext);
        input.AdvanceTo(read.Buffer.GetPosition(count));
        lock (_sslLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (count > 0)
            {
                if (OpenSsl.BIO_write(_readBio, _incomingCiphertext, count) != count)
                {
                    throw new IOException("OpenSSL could not buffer received data: " + OpenSsl.DrainErrors());
                }
            }
            else if (read.IsCompleted)
            {
                _transportEnded = true;
                OpenSsl.SetMemoryBioEndOfStream(_readBio);
            }
        }
    }

    /// <summary>The ciphertext OpenSSL queued in the write BIO, if any. Caller holds <see cref="_sslLock"/>.</summary>
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

    /// <summary>The DER encoding of a certificate OpenSSL holds (not owned here).</summary>
    private static byte[] ExportDer(IntPtr x509)
    {
        var bio = OpenSsl.BIO_new(OpenSsl.BIO_s_mem());
        if (bio == IntPtr.Zero)
        {
            throw new IOException("OpenSSL could not allocate a memory buffer: " + OpenSsl.DrainErrors());
        }

        try
        {
            if (i2d_X509_bio(bio, x509) != 1)
            {
                throw new IOException("OpenSSL cannot encode a client certificate: " + OpenSsl.DrainErrors());
            }

            var der = new byte[(int)OpenSsl.BIO_ctrl_pending(bio)];
            if (OpenSsl.BIO_read(bio, der, der.Length) != der.Length)
            {
                throw new IOException("OpenSSL returned less data than it announced: " + OpenSsl.DrainErrors());
            }

            return der;
        }
        finally
        {
            OpenSsl.BIO_free(bio);
        }
    }

    private static string Describe(SslStep step) => step.Reason.Length > 0
        ? step.Reason
        : step.Error is OpenSsl.SSL_ERROR_SYSCALL or OpenSsl.SSL_ERROR_WANT_READ
            ? "the client closed the connection"
            : $"OpenSSL error {step.Error}";

    private static void FreeBio(IntPtr bio)
    {
        if (bio != IntPtr.Zero)
        {
            OpenSsl.BIO_free(bio);
        }
    }

    private readonly record struct SslStep(int Result, int Error, string Reason, long VerifyResult);
}
