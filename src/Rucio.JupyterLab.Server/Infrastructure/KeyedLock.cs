namespace Rucio.JupyterLab.Server.Infrastructure;

/// <summary>
/// One async mutex per key (e.g. per instance and DID), created on demand and dropped when nobody holds or waits
/// for it, so serializing "make available" clicks per DID does not grow a dictionary forever.
/// </summary>
internal sealed class KeyedLock
{
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Waits for the key's mutex; dispose the result to release it.</summary>
    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        Slot slot;
        lock (_gate)
        {
            if (!_slots.TryGetValue(key, out slot!))
            {
                slot = new Slot();
                _slots[key] = slot;
            }

            slot.Users++;
        }

        try
        {
            await slot.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(key, slot);
            throw;
        }

        return new Releaser(this, key, slot);
    }

    private void Leave(string key, Slot slot)
    {
        lock (_gate)
        {
            if (--slot.Users == 0)
            {
                _slots.Remove(key);
                slot.Semaphore.Dispose();
            }
        }
    }

    private sealed class Slot
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Releaser(KeyedLock owner, string key, Slot slot) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slot.Semaphore.Release();
                owner.Leave(key, slot);
            }
        }
    }
}
