namespace Rucio.Client;

/// <summary>
/// Puts a transport the client does not own (or shares between pipelines) at the bottom of a handler chain
/// without letting the chain dispose it.
/// </summary>
internal sealed class SharedTransportHandler(HttpMessageHandler transport) : DelegatingHandler(transport)
{
    protected override void Dispose(bool disposing)
    {
        // Deliberately not calling base.Dispose: it would dispose the shared inner transport.
    }
}
