using System.Buffers;
using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Rucio.Client.Native;
using static Rucio.Sandbox.Tls.OpenSslServerInterop;

namespace Rucio.Sandbox.Tls;

/// <summary>
/// The server end of one TLS connection, run by OpenSSL over memory BIOs (<see cref="OpenSslMemoryBioStream"/>) on
/// top of Kestrel's transport pipe.
/// </summary>
/// <remarks>
/// Ciphertext is always written to the transport in full, never cancelled: OpenSSL's state has already moved past it.
/// </remarks>
internal sealed class OpenSslServerStream : OpenSslMemoryBioStream
{
    private readonly IDuplexPipe _transport;
    private bool _shutdownSent;

    private OpenSslServerStream(OpenSslServerContext context, IDuplexPipe transport)
        : base(context.Handle, peerRole: "client", connectionName: "TLS connection") => _transport = transport;

    /// <summary>A session that will accept a handshake on <paramref name="transport"/>, judging certificates at <paramref name="now"/>.</summary>
    public static OpenSslServerStream Create(OpenSslServerContext context, IDuplexPipe transport, DateTimeOffset now)
    {
        var stream = new OpenSslServerStream(context, transport);
        stream.UseSession(ssl =>
        {
            SSL_set_accept_state(ssl);
            // Certificate validity is judged by the Sandbox's clock (a TimeProvider), not the machine's.
            X509_VERIFY_PARAM_set_time(OpenSsl.SSL_get0_param(ssl), now.ToUnixTimeSeconds());
        });
        return stream;
    }

    /// <summary>
    /// The client's certificate chain as OpenSSL verified it against the client CA: the presented certificate
    /// first (a proxy or a user certificate), the trust anchor last; empty when the client sent no certificate.
    /// The caller owns (disposes) the certificates.
    /// </summary>
    public IReadOnlyList<X509Certificate2> VerifiedPeerChain() => UseSession(ssl =>
    {
        var chainStack = HandshakeCompleted && OpenSsl.SSL_get_verify_result(ssl) == OpenSsl.X509_V_OK
            ? SSL_get0_verified_chain(ssl)
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
    });

    /// <summary>Sends close_notify once, best effort: the client may be gone already.</summary>
    public async ValueTask ShutdownAsync()
    {
        if (!HandshakeCompleted || _shutdownSent)
        {
            return;
        }

        _shutdownSent = true;
        try
        {
            await StepAsync(OpenSsl.SSL_shutdown, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Nobody left to tell; the connection is closed either way.
        }
    }

    // Deliberately not cancellable (see remarks).
    protected override async ValueTask SendCiphertextAsync(byte[] ciphertext, CancellationToken cancellationToken) =>
        await _transport.Output.WriteAsync(ciphertext, CancellationToken.None);

    protected override async ValueTask<int> ReceiveCiphertextAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var input = _transport.Input;
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var count = (int)Math.Min(read.Buffer.Length, buffer.Length);
            read.Buffer.Slice(0, count).CopyTo(buffer.Span);
            input.AdvanceTo(read.Buffer.GetPosition(count));
            // An empty result that is not the end comes from a cancelled pending read: wait again.
            if (count > 0 || read.IsCompleted)
            {
                return count;
            }
        }
    }

    protected override AuthenticationException HandshakeFailure(SslStep step) => new(step.VerifyResult != OpenSsl.X509_V_OK
        ? "client certificate refused: " + OpenSsl.VerifyErrorText(step.VerifyResult)
        : "TLS handshake failed: " + Describe(step));

    // close_notify, or a client that just closed its socket (common; HTTP framing still catches truncation).
    protected override Exception? FailureEndingRead(SslStep step) =>
        step.Error == OpenSsl.SSL_ERROR_ZERO_RETURN || PeerClosed ? null : new IOException("The TLS connection failed: " + Describe(step));

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
}
