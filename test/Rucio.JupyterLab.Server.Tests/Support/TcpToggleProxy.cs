using System.Net;
using System.Net.Sockets;

namespace Rucio.JupyterLab.Server.Tests.Support;

/// <summary>
/// A loopback TCP relay in front of a server. <see cref="TakeDownAsync"/> closes the port and every open connection
/// (so clients see "connection refused", as when Rucio is down); <see cref="BringUp"/> listens on the same port again.
/// </summary>
internal sealed class TcpToggleProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _connections = [];
    private readonly Lock _sync = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private Task _acceptLoop = Task.CompletedTask;

    public TcpToggleProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        Port = StartListening(0);
    }

    public int Port { get; }

    public Uri Uri => new($"http://127.0.0.1:{Port}");

    public async Task TakeDownAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        lock (_sync)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }

        await _acceptLoop;
    }

    public void BringUp()
    {
        _stop = new CancellationTokenSource();
        StartListening(Port);
    }

    public async ValueTask DisposeAsync()
    {
        await TakeDownAsync();
        _stop.Dispose();
    }

    private int StartListening(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        var stop = _stop.Token;
        _acceptLoop = Task.Run(() => AcceptAsync(listener, stop));
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(inbound, stop);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken stop)
    {
        var outbound = new TcpClient();
        lock (_sync)
        {
            _connections.Add(inbound);
            _connections.Add(outbound);
        }

        try
        {
            await outbound.ConnectAsync(_target, stop);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, stop), b.CopyToAsync(a, stop));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Either side closed, or the proxy was taken down.
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            lock (_sync)
            {
                _connections.Remove(inbound);
                _connections.Remove(outbound);
            }
        }
    }
}
