using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Rucio.DataLake.Cli.Tests.Support;

/// <summary>
/// A real storage server started by the test on a free loopback port with a temporary root: nginx with WebDAV, or
/// xrootd. A missing package fails the test with the name of the package (see apt-packages.txt), never skips it.
/// </summary>
public sealed class StorageServer : IAsyncDisposable
{
    private readonly Process _process;

    private StorageServer(Process process, string root, string dataRoot, int port)
    {
        _process = process;
        Root = root;
        DataRoot = dataRoot;
        Port = port;
    }

    public string Root { get; }

    /// <summary>Where the server keeps the files it serves.</summary>
    public string DataRoot { get; }

    public int Port { get; }

    public static async Task<StorageServer> StartNginxWebDavAsync()
    {
        var nginx = Require("/usr/sbin/nginx", "nginx-light (or nginx)");
        var root = Directory.CreateTempSubdirectory("datalake-nginx-").FullName;
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        foreach (var temporary in new[] { "body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            Directory.CreateDirectory(Path.Combine(root, temporary));
        }

        var port = FreePort();
        var config = Path.Combine(root, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{root}}/body;
                proxy_temp_path {{root}}/proxy;
                fastcgi_temp_path {{root}}/fastcgi;
                uwsgi_temp_path {{root}}/uwsgi;
                scgi_temp_path {{root}}/scgi;
                server {
                    listen 127.0.0.1:{{port}};
                    root {{data}};
                    dav_methods PUT DELETE MKCOL COPY MOVE;
                    dav_access user:rw group:r all:r;
                    client_max_body_size 0;
                }
            }
            """);
        var process = Launch(nginx, ["-e", Path.Combine(root, "error.log"), "-p", root, "-c", config]);
        return await ReadyAsync(new StorageServer(process, root, data, port), Path.Combine(root, "error.log"));
    }

    public static async Task<StorageServer> StartXrootdAsync()
    {
        var xrootd = Require("/usr/bin/xrootd", "xrootd-server");
        Require("/usr/bin/xrdcp", "xrootd-client");
        var root = Directory.CreateTempSubdirectory("datalake-xrootd-").FullName;
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;

        // xrootd refuses to run as root; as "nobody" it needs a world-writable root.
        File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111);
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);
        var config = Path.Combine(root, "xrootd.cfg");
        await File.WriteAllTextAsync(config, $"all.export /\noss.localroot {data}\nxrootd.chksum adler32\n");
        var port = FreePort();
        string[] args = Environment.UserName == "root"
            ? ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", config, "-l", Path.Combine(root, "xrootd.log"), "-n", "test", "-R", "nobody"]
            : ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", config, "-l", Path.Combine(root, "xrootd.log"), "-n", "test"];
        var process = Launch(xrootd, args);
        return await ReadyAsync(new StorageServer(process, root, data, port), Path.Combine(root, "xrootd.log"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string Require(string path, string package) =>
        File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: install the Debian package {package} (test/Rucio.DataLake.Cli.Tests/apt-packages.txt).");

    private static Process Launch(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} could not be started.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until the port accepts connections (the server is ready), or fails with its log.</summary>
    private static async Task<StorageServer> ReadyAsync(StorageServer server, string log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (server._process.HasExited)
            {
                break;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, server.Port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        var text = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no log)";
        await server.DisposeAsync();
        throw new InvalidOperationException($"The storage server did not start on port {server.Port}: {text}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
