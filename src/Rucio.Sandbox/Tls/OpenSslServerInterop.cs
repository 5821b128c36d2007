using System.Runtime.InteropServices;
using Rucio.Client.Native;

namespace Rucio.Sandbox.Tls;

/// <summary>
/// The server-side libssl/libcrypto entry points, in addition to the shared client set in <see cref="OpenSsl"/>
/// (compiled into this assembly from Rucio.Client). The library names are the ones <see cref="OpenSsl"/> maps to
/// the installed OpenSSL generation (3, or 1.1.1 which has every function used here).
/// </summary>
internal static class OpenSslServerInterop
{
    private const string Ssl = "libssl.so.3";
    private const string Crypto = "libcrypto.so.3";

    public const int SSL_FILETYPE_PEM = 1;
    public const ulong SSL_OP_NO_TICKET = 0x00004000;
    public const ulong SSL_OP_NO_RENEGOTIATION = 0x40000000;
    public const ulong X509_V_FLAG_ALLOW_PROXY_CERTS = 0x40;

    private const int SSL_CTRL_SET_SESS_CACHE_MODE = 44;
    private const long SSL_SESS_CACHE_OFF = 0;

    static OpenSslServerInterop()
    {
        // Registers OpenSsl's import resolver for this assembly before any call below is bound.
        _ = OpenSsl.IsAvailable;
    }

    /// <summary>True when OpenSSL can terminate TLS here (Linux with libssl 3 or 1.1.1).</summary>
    public static bool IsAvailable => OpenSsl.IsAvailable;

    [DllImport(Ssl)] public static extern IntPtr TLS_server_method();
    [DllImport(Ssl)] public static extern void SSL_set_accept_state(SafeSslHandle ssl);
    [DllImport(Ssl)] public static extern IntPtr SSL_CTX_get0_param(SafeSslContextHandle ctx);
    [DllImport(Ssl)] public static extern ulong SSL_CTX_set_options(SafeSslContextHandle ctx, ulong options);
    [DllImport(Ssl)] public static extern int SSL_CTX_set_num_tickets(SafeSslContextHandle ctx, nuint count);
    [DllImport(Ssl)] public static extern void SSL_CTX_set_client_CA_list(SafeSslContextHandle ctx, IntPtr names);

    [DllImport(Ssl)]
    public static extern int SSL_CTX_use_certificate_chain_file(SafeSslContextHandle ctx, [MarshalAs(UnmanagedType.LPUTF8Str)] string file);

    [DllImport(Ssl)]
    public static extern int SSL_CTX_use_PrivateKey_file(SafeSslContextHandle ctx, [MarshalAs(UnmanagedType.LPUTF8Str)] string file, int type);

    [DllImport(Ssl)] public static extern IntPtr SSL_load_client_CA_file([MarshalAs(UnmanagedType.LPUTF8Str)] string file);

    /// <summary>The peer chain as verified (leaf first, trust anchor last); not owned by the caller.</summary>
    [DllImport(Ssl)] public static extern IntPtr SSL_get0_verified_chain(SafeSslHandle ssl);

    [DllImport(Ssl)] private static extern long SSL_CTX_ctrl(SafeSslContextHandle ctx, int command, long larg, IntPtr parg);

    [DllImport(Crypto)] public static extern int X509_VERIFY_PARAM_set_flags(IntPtr param, ulong flags);
    [DllImport(Crypto)] public static extern void X509_VERIFY_PARAM_set_time(IntPtr param, long unixTime);
    [DllImport(Crypto)] public static extern int OPENSSL_sk_num(IntPtr stack);
    [DllImport(Crypto)] public static extern IntPtr OPENSSL_sk_value(IntPtr stack, int index);
    [DllImport(Crypto)] public static extern int i2d_X509_bio(IntPtr bio, IntPtr x509);

    /// <summary>
    /// SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF) (a macro). Declared here because the shared
    /// SSL_CTX_ctrl binding is private to <see cref="OpenSsl"/>.
    /// </summary>
    public static void DisableSessionCache(SafeSslContextHandle ctx) =>
        SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_OFF, IntPtr.Zero);
}
