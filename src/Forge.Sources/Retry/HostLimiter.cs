using System.Collections.Concurrent;

namespace Forge.Sources;

/// <summary>At most N requests in flight per host (archival servers rate-limit and ban greedy clients).</summary>
internal sealed class HostLimiter(int perHost) : IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<IDisposable> AcquireAsync(string hostKey, CancellationToken ct)
    {
        var gate = _hosts.GetOrAdd(hostKey, static (_, n) => new SemaphoreSlim(n, n), Math.Max(1, perHost));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        return new Releaser(gate);
    }

    public void Dispose()
    {
        foreach (var gate in _hosts.Values) gate.Dispose();
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
