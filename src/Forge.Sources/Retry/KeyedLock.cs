namespace Forge.Sources;

/// <summary>One async lock per key (an input URL), so two fetches of the same input share one download and one cache entry.</summary>
internal sealed class KeyedLock
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _gates = new(StringComparer.Ordinal);

    public async ValueTask<IDisposable> AcquireAsync(string key, CancellationToken ct)
    {
        SemaphoreSlim gate;
        lock (_gates)
        {
            if (_gates.TryGetValue(key, out var entry)) { gate = entry.Gate; _gates[key] = (gate, entry.Users + 1); }
            else { gate = new SemaphoreSlim(1, 1); _gates[key] = (gate, 1); }
        }

        try
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            Leave(key);
            throw;
        }

        return new Releaser(this, key, gate);
    }

    private void Leave(string key)
    {
        lock (_gates)
        {
            var entry = _gates[key];
            if (entry.Users == 1) { _gates.Remove(key); entry.Gate.Dispose(); }
            else _gates[key] = (entry.Gate, entry.Users - 1);
        }
    }

    private sealed class Releaser(KeyedLock owner, string key, SemaphoreSlim gate) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0) return;
            gate.Release();
            owner.Leave(key);
        }
    }
}
