using System.Runtime.InteropServices;

namespace Rucio.Client.Native;

// SafeHandles make OpenSSL objects survive neither a leak nor a use-after-free: a handle in use by a call is
// reference-counted, so disposing it while another thread is inside OpenSSL frees it only after that call returns.

internal sealed class SafeSslContextHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OpenSsl.SSL_CTX_free(handle);
        return true;
    }
}

internal sealed class SafeSslHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Frees the SSL object together with the two memory BIOs it owns after SSL_set_bio.</summary>
    protected override bool ReleaseHandle()
    {
        OpenSsl.SSL_free(handle);
        return true;
    }
}

internal sealed class SafeX509Handle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OpenSsl.X509_free(handle);
        return true;
    }
}

internal sealed class SafeEvpPkeyHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OpenSsl.EVP_PKEY_free(handle);
        return true;
    }
}

/// <summary>A memory BIO owned by managed code (used to hand DER data to the d2i_*_bio decoders).</summary>
internal sealed class SafeBioHandle : SafeHandle
{
    private SafeBioHandle(IntPtr bio)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(bio);

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>A memory BIO holding a copy of <paramref name="data"/>.</summary>
    public static SafeBioHandle FromBytes(byte[] data)
    {
        var bio = new SafeBioHandle(OpenSsl.BIO_new(OpenSsl.BIO_s_mem()));
        if (bio.IsInvalid || OpenSsl.BIO_write(bio.handle, data, data.Length) != data.Length)
        {
            bio.Dispose();
            throw new InvalidOperationException("OpenSSL could not allocate a memory buffer: " + OpenSsl.DrainErrors());
        }

        return bio;
    }

    protected override bool ReleaseHandle()
    {
        OpenSsl.BIO_free(handle);
        return true;
    }
}
