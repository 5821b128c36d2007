using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Tls;

/// <summary>Wires the --tls-* flags into Kestrel.</summary>
internal static class SandboxTls
{
    /// <summary>
    /// HTTPS on every --urls entry. Where OpenSSL is available (Linux) it terminates TLS through
    /// <see cref="OpenSslTlsMiddleware"/>, which is what lets RFC 3820 proxies in; Kestrel's HTTPS configuration
    /// stays in place because it is what makes the endpoints https:// (addresses, request scheme), but its SslStream
    /// never runs. Elsewhere Kestrel's SslStream serves TLS and client certificates are not supported.
    /// </summary>
    /// <exception cref="SandboxOptionsException">A --tls-* file is unusable, or a client CA is asked for without OpenSSL.</exception>
    public static void ConfigureSandboxTls(this WebApplicationBuilder builder, SandboxOptions options)
    {
        if (!options.TlsEnabled)
        {
            return;
        }

        var certificate = LoadServerCertificate(options);

        // The slim builder leaves HTTPS out unless asked for.
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        if (!OpenSslServerInterop.IsAvailable)
        {
            if (options.TlsClientCaPath is not null)
            {
                throw new SandboxOptionsException("--tls-client-ca needs OpenSSL (libssl.so.3 or libssl.so.1.1), which is not available here.");
            }

            return;
        }

        var context = OpenSslServerContext.Create(options);
        // Registered through a factory so that the container disposes it with the app.
        builder.Services.AddSingleton(_ => context);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
            listen.Use(next =>
            {
                var services = listen.ApplicationServices;
                return new OpenSslTlsMiddleware(
                    next,
                    services.GetRequiredService<OpenSslServerContext>(),
                    services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<ILogger<OpenSslTlsMiddleware>>()).OnConnectionAsync;
            })));
    }

    /// <summary>Loads the pair with .NET first: it checks that key and certificate match and rejects encrypted keys.</summary>
    private static X509Certificate2 LoadServerCertificate(SandboxOptions options)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(options.TlsCertificatePath!, options.TlsKeyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new SandboxOptionsException(
                $"--tls-cert/--tls-key: cannot use '{options.TlsCertificatePath}' with '{options.TlsKeyPath}' "
                + $"(an unencrypted PEM key matching the first certificate is needed): {ex.Message}");
        }
    }
}
