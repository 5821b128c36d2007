using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Rucio.Client.Native;

/// <summary>
/// The few libssl/libcrypto entry points needed to present an RFC 3820 proxy chain, which SslStream cannot do on
/// Linux (see <see cref="OpenSslClientContext"/>). Only primitive and array parameters are used, so the calls need
/// no unsafe code and no runtime marshalling beyond pinning. OpenSSL 3 is preferred (the version .NET itself
/// loads first); 1.1.1, which has every function used here, is the fallback.
/// </summary>
internal static class OpenSsl
{
    private const string Ssl = "libssl.so.3";
    private const string Crypto = "libcrypto.so.3";

    public const int SSL_ERROR_NONE = 0;
    public const int SSL_ERROR_SSL = 1;
    public const int SSL_ERROR_WANT_READ = 2;
    public const int SSL_ERROR_WANT_WRITE = 3;
    public const int SSL_ERROR_SYSCALL = 5;
    public const int SSL_ERROR_ZERO_RETURN = 6;
    public const int SSL_VERIFY_PEER = 0x01;
    public const long X509_V_OK = 0;

    private const int SSL_CTRL_SET_TLSEXT_HOSTNAME = 55;
    private const int SSL_CTRL_CHAIN_CERT = 89;
    private const int SSL_CTRL_SET_MIN_PROTO_VERSION = 123;
    private const int TLSEXT_NAMETYPE_host_name = 0;
    private const int TLS1_2_VERSION = 0x0303;
    private const int BIO_C_SET_BUF_MEM_EOF_RETURN = 130;

    private static readonly Lazy<(string Ssl, string Crypto)?> Libraries = new(FindLibraries);

    /// <summary>True when a usable libssl/libcrypto pair is installed (Linux only).</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux() && Libraries.Value is not null;

    static OpenSsl()
    {
        // Maps the names above to whichever OpenSSL generation is installed; this assembly has no other P/Invokes.
        NativeLibrary.SetDllImportResolver(typeof(OpenSsl).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (Libraries.Value is not { } libraries || (name != Ssl && name != Crypto))
        {
            return IntPtr.Zero;
        }

        return NativeLibrary.Load(name == Ssl ? libraries.Ssl : libraries.Crypto);
    }

    private static (string Ssl, string Crypto)? FindLibraries()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var suffix in new[] { "3", "1.1" })
        {
            if (NativeLibrary.TryLoad("libcrypto.so." + suffix, out _) && NativeLibrary.TryLoad("libssl.so." + suffix, out _))
            {
                return ("libssl.so." + suffix, "libcrypto.so." + suffix);
            }
        }

        return null;
    }

    // --- SSL_CTX -------------------------------------------------------------------------------------------

    [DllImport(Ssl)] public static extern IntPtr TLS_client_method();
    [DllImport(Ssl)] public static extern SafeSslContextHandle SSL_CTX_new(IntPtr method);
    [DllImport(Ssl)] public static extern void SSL_CTX_free(IntPtr ctx);
    [DllImport(Ssl)] public static extern int SSL_CTX_use_certificate(SafeSslContextHandle ctx, SafeX509Handle x509);
    [DllImport(Ssl)] public static extern int SSL_CTX_use_PrivateKey(SafeSslContextHandle ctx, SafeEvpPkeyHandle pkey);
    [DllImport(Ssl)] public static extern int SSL_CTX_check_private_key(SafeSslContextHandle ctx);
    [DllImport(Ssl)] public static extern void SSL_CTX_set_verify(SafeSslContextHandle ctx, int mode, IntPtr callback);
    [DllImport(Ssl)] public static extern int SSL_CTX_set_default_verify_paths(SafeSslContextHandle ctx);

    [DllImport(Ssl)]
    public static extern int SSL_CTX_load_verify_locations(
        SafeSslContextHandle ctx, [MarshalAs(UnmanagedType.LPUTF8Str)] string? file, [MarshalAs(UnmanagedType.LPUTF8Str)] string? directory);

    [DllImport(Ssl)] private static extern long SSL_CTX_ctrl(SafeSslContextHandle ctx, int command, long larg, IntPtr parg);
    [DllImport(Ssl)] private static extern long SSL_CTX_ctrl(SafeSslContextHandle ctx, int command, long larg, SafeX509Handle parg);

    /// <summary>SSL_CTX_add1_chain_cert (a macro): the certificate is sent after the leaf, as is, without a chain build.</summary>
    public static bool AddChainCertificate(SafeSslContextHandle ctx, SafeX509Handle certificate) =>
        SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 1, certificate) == 1;

    /// <summary>SSL_CTX_set_min_proto_version (a macro).</summary>
    public static bool RequireTls12OrNewer(SafeSslContextHandle ctx) =>
        SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, IntPtr.Zero) == 1;

    // --- SSL -----------------------------------------------------------------------------------------------

    [DllImport(Ssl)] public static extern SafeSslHandle SSL_new(SafeSslContextHandle ctx);
    [DllImport(Ssl)] public static extern void SSL_free(IntPtr ssl);
    [DllImport(Ssl)] public static extern void SSL_set_bio(SafeSslHandle ssl, IntPtr readBio, IntPtr writeBio);
    [DllImport(Ssl)] public static extern void SSL_set_connect_state(SafeSslHandle ssl);
    [DllImport(Ssl)] public static extern int SSL_do_handshake(SafeSslHandle ssl);
    [DllImport(Ssl)] public static extern int SSL_read(SafeSslHandle ssl, byte[] buffer, int count);
    [DllImport(Ssl)] public static extern int SSL_peek(SafeSslHandle ssl, byte[] buffer, int count);
    [DllImport(Ssl)] public static extern int SSL_write(SafeSslHandle ssl, byte[] buffer, int count);
    [DllImport(Ssl)] public static extern int SSL_shutdown(SafeSslHandle ssl);
    [DllImport(Ssl)] public static extern int SSL_get_error(SafeSslHandle ssl, int result);
    [DllImport(Ssl)] public static extern long SSL_get_verify_result(SafeSslHandle ssl);
    [DllImport(Ssl)] public static extern void SSL_set_post_handshake_auth(SafeSslHandle ssl, int value);
    [DllImport(Ssl)] public static extern int SSL_set1_host(SafeSslHandle ssl, [MarshalAs(UnmanagedType.LPUTF8Str)] string host);
    [DllImport(Ssl)] public static extern IntPtr SSL_get0_param(SafeSslHandle ssl);
    [DllImport(Ssl)] private static extern long SSL_ctrl(SafeSslHandle ssl, int command, long larg, [MarshalAs(UnmanagedType.LPUTF8Str)] string parg);

    /// <summary>SSL_set_tlsext_host_name (a macro): the SNI name, so virtual hosts pick the right certificate.</summary>
    public static bool SetServerNameIndication(SafeSslHandle ssl, string host) =>
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, host) == 1;

    // --- libcrypto -----------------------------------------------------------------------------------------

    [DllImport(Crypto)] public static extern int X509_VERIFY_PARAM_set1_ip_asc(IntPtr param, [MarshalAs(UnmanagedType.LPUTF8Str)] string ip);
    [DllImport(Crypto)] public static extern IntPtr X509_verify_cert_error_string(long code);
    [DllImport(Crypto)] public static extern SafeX509Handle d2i_X509_bio(SafeBioHandle bio, IntPtr reuse);
    [DllImport(Crypto)] public static extern void X509_free(IntPtr x509);
    [DllImport(Crypto)] public static extern SafeEvpPkeyHandle d2i_PrivateKey_bio(SafeBioHandle bio, IntPtr reuse);
    [DllImport(Crypto)] public static extern void EVP_PKEY_free(IntPtr pkey);
    [DllImport(Crypto)] public static extern IntPtr BIO_s_mem();
    [DllImport(Crypto)] public static extern IntPtr BIO_new(IntPtr method);
    [DllImport(Crypto)] public static extern int BIO_free(IntPtr bio);
    [DllImport(Crypto)] public static extern int BIO_read(IntPtr bio, byte[] buffer, int count);
    [DllImport(Crypto)] public static extern int BIO_write(IntPtr bio, byte[] buffer, int count);
    [DllImport(Crypto)] public static extern nuint BIO_ctrl_pending(IntPtr bio);
    [DllImport(Crypto)] private static extern long BIO_ctrl(IntPtr bio, int command, long larg, IntPtr parg);
    [DllImport(Crypto)] public static extern ulong ERR_get_error();
    [DllImport(Crypto)] public static extern void ERR_clear_error();
    [DllImport(Crypto)] private static extern void ERR_error_string_n(ulong code, byte[] buffer, nuint length);

    /// <summary>BIO_set_mem_eof_return (a macro): 0 makes an empty memory BIO report end of stream instead of "retry".</summary>
    public static void SetMemoryBioEndOfStream(IntPtr bio) => BIO_ctrl(bio, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, IntPtr.Zero);

    /// <summary>Empties this thread's OpenSSL error queue into one readable line (e.g. "tlsv13 alert certificate required").</summary>
    public static string DrainErrors()
    {
        var messages = new List<string>();
        var buffer = new byte[256];
        for (var code = ERR_get_error(); code != 0; code = ERR_get_error())
        {
            Array.Clear(buffer);
            ERR_error_string_n(code, buffer, (nuint)buffer.Length);
            var end = Array.IndexOf(buffer, (byte)0);
            var text = Encoding.ASCII.GetString(buffer, 0, end < 0 ? buffer.Length : end);
            // "error:0A000086:SSL routines::certificate verify failed" -> keep the human part.
            var reason = text[(text.LastIndexOf(':') + 1)..];
            if (reason.Length > 0 && !messages.Contains(reason))
            {
                messages.Add(reason);
            }
        }

        return string.Join("; ", messages);
    }

    public static string VerifyErrorText(long code) =>
        Marshal.PtrToStringUTF8(X509_verify_cert_error_string(code)) ?? $"verification error {code}";
}
