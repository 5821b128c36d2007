using Rucio.Client.Native;
using Rucio.Sandbox.Infrastructure;
using static Rucio.Sandbox.Tls.OpenSslServerInterop;

namespace Rucio.Sandbox.Tls;

/// <summary>
/// The Sandbox's TLS server configuration in OpenSSL, built once from the --tls-* flags and shared by every
/// connection: server certificate (with any chain in the same file) and key, TLS 1.2+, and, with a client CA,
/// an optional client certificate verified by OpenSSL with RFC 3820 proxies allowed, as grid servers do.
/// </summary>
/// <remarks>
/// Why not Kestrel's SslStream: on Linux it builds the client chain with X509Chain before any validation callback
/// runs, and that build throws for every proxy (X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED, dotnet/runtime#41916),
/// so a proxy never reaches the application. OpenSSL verifies such chains natively given
/// X509_V_FLAG_ALLOW_PROXY_CERTS, including the RFC 3820 naming and path rules.
/// </remarks>
internal sealed class OpenSslServerContext : IDisposable
{
    private OpenSslServerContext(SafeSslContextHandle handle, bool requestsClientCertificates)
    {
        Handle = handle;
        RequestsClientCertificates = requestsClientCertificates;
    }

    public SafeSslContextHandle Handle { get; }

    /// <summary>True when clients may present a certificate (optional: password and token clients share the port).</summary>
    public bool RequestsClientCertificates { get; }

    /// <summary>
    /// Reads the PEM files named by <paramref name="options"/>. The caller has already loaded the same pair with
    /// .NET, which rejects encrypted keys: OpenSSL therefore never needs a passphrase (it would prompt on the tty).
    /// </summary>
    /// <exception cref="SandboxOptionsException">OpenSSL cannot use the files.</exception>
    public static OpenSslServerContext Create(SandboxOptions options)
    {
        OpenSsl.ERR_clear_error();
        var handle = OpenSsl.SSL_CTX_new(TLS_server_method());
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new InvalidOperationException("OpenSSL could not create a TLS server context: " + OpenSsl.DrainErrors());
        }

        var context = new OpenSslServerContext(handle, options.TlsClientCaPath is not null);
        try
        {
            context.UseServerCredentials(options.TlsCertificatePath!, options.TlsKeyPath!);
            Check(OpenSsl.RequireTls12OrNewer(handle), "OpenSSL cannot restrict the protocol to TLS 1.2+");
            context.DisableResumption();
            // Renegotiation only serves to change certificates mid-connection, which no Rucio client does.
            SSL_CTX_set_options(handle, SSL_OP_NO_RENEGOTIATION);
            if (options.TlsClientCaPath is { } caPath)
            {
                context.VerifyClientCertificates(caPath);
            }

            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public void Dispose() => Handle.Dispose();

    private void UseServerCredentials(string certificatePath, string keyPath)
    {
        if (SSL_CTX_use_certificate_chain_file(Handle, certificatePath) != 1)
        {
            throw new SandboxOptionsException($"--tls-cert: OpenSSL cannot use '{certificatePath}': {OpenSsl.DrainErrors()}");
        }

        if (SSL_CTX_use_PrivateKey_file(Handle, keyPath, SSL_FILETYPE_PEM) != 1 || OpenSsl.SSL_CTX_check_private_key(Handle) != 1)
        {
            throw new SandboxOptionsException($"--tls-key: OpenSSL cannot use '{keyPath}' with '{certificatePath}': {OpenSsl.DrainErrors()}");
        }
    }

    /// <summary>
    /// Every connection gets a full handshake: a resumed session has no verified chain (OpenSSL keeps only the
    /// leaf in the session), so a resumed proxy client could not be mapped to its user.
    /// </summary>
    private void DisableResumption()
    {
        DisableSessionCache(Handle);
        SSL_CTX_set_options(Handle, SSL_OP_NO_TICKET);
        Check(SSL_CTX_set_num_tickets(Handle, 0) == 1, "OpenSSL cannot turn TLS 1.3 session tickets off");
    }

    /// <summary>
    /// Requests (without requiring) a client certificate issued by <paramref name="caPath"/>, advertises that CA in
    /// the certificate request, and lets OpenSSL accept RFC 3820 proxy chains. A presented chain that does not
    /// verify (unknown issuer, expired, a proxy without its user certificate) aborts the handshake.
    /// </summary>
    private void VerifyClientCertificates(string caPath)
    {
        if (OpenSsl.SSL_CTX_load_verify_locations(Handle, caPath, null) != 1)
        {
            throw new SandboxOptionsException($"--tls-client-ca: OpenSSL cannot read '{caPath}': {OpenSsl.DrainErrors()}");
        }

        var caNames = SSL_load_client_CA_file(caPath);
        if (caNames == IntPtr.Zero)
        {
            throw new SandboxOptionsException($"--tls-client-ca: '{caPath}' holds no CA certificate: {OpenSsl.DrainErrors()}");
        }

        // The context takes ownership of the name list.
        SSL_CTX_set_client_CA_list(Handle, caNames);
        Check(X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(Handle), X509_V_FLAG_ALLOW_PROXY_CERTS) == 1, "OpenSSL refused to allow proxy certificates");
        OpenSsl.SSL_CTX_set_verify(Handle, OpenSsl.SSL_VERIFY_PEER, IntPtr.Zero);
    }

    private static void Check(bool succeeded, string what)
    {
        if (!succeeded)
        {
            throw new InvalidOperationException($"{what}: {OpenSsl.DrainErrors()}");
        }
    }
}
