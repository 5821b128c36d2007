using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Rucio.JupyterLab.Server.Tests.Support;

/// <summary>A real HTTP(S) server on loopback whose answers each test scripts.</summary>
internal sealed class StubHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private StubHttpServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUri { get; private set; } = null!;

    public int RequestCount => Volatile.Read(ref _requests);

    public static async Task<StubHttpServer> StartAsync(RequestDelegate handler, X509Certificate2? tlsCertificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (tlsCertificate is not null)
            {
                listen.UseHttps(tlsCertificate);
            }
        }));
        var app = builder.Build();
        var server = new StubHttpServer(app);
        app.Run(async context =>
        {
            Interlocked.Increment(ref server._requests);
            await handler(context);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.BaseUri = tlsCertificate is null ? address : new UriBuilder(address) { Host = "localhost" }.Uri;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
