using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Rucio.JupyterLab.Server.Hosting;

/// <summary>Where Kestrel listens, and the "ready" line printed once it does.</summary>
internal static class ListenerSetup
{
    public const string ReadyPrefix = "Rucio JupyterLab backend ready on ";

    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Configure(IWebHostBuilder webHost, BackendOptions options)
    {
        if (options.SocketPath is { } socket)
        {
            RemoveStaleSocket(socket);
            webHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socket));
        }
        else
        {
            webHost.UseUrls([.. options.Urls]);
        }
    }

    /// <summary>Prints the ready line once Kestrel accepts connections (the bridge waits for it).</summary>
    public static void AnnounceWhenStarted(WebApplication app, BackendOptions options, TextWriter output)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            string where;
            if (options.SocketPath is { } socket)
            {
                // The runtime directory is already private; the socket mode is a second fence.
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(socket, SocketMode);
                }

                where = socket;
            }
            else
            {
                var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
                where = addresses is { Count: > 0 } ? string.Join(", ", addresses) : string.Join(", ", options.Urls);
            }

            output.WriteLine(ReadyPrefix + where);
            output.Flush();
        });
    }

    /// <summary>
    /// A socket file left by a crashed backend blocks the bind, so it is removed; one that still accepts
    /// connections belongs to a live backend and is left alone.
    /// </summary>
    private static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new BackendOptionsException($"--socket: another process is already listening on '{path}'.");
            }
            catch (SocketException)
            {
                // Nobody listens: the file is stale.
            }
        }

        File.Delete(path);
    }
}
