using System.Buffers;
using Forge.Core.Storage;

namespace Forge.Core.Tests.Engine;

/// <summary>A simulated kill -9 of the process writing a store.</summary>
internal sealed class SimulatedKill : Exception
{
    public SimulatedKill() : base("simulated kill -9") { }
}

/// <summary>
/// A store whose process "dies" at a chosen call: that call throws <see cref="SimulatedKill"/> (after or instead of
/// reaching the inner store) and so does every later one, as if the process were gone.
/// </summary>
internal sealed class KillableStore : IStore, IConditionalWritableStore
{
    private readonly IStore _inner;
    private readonly Func<StoreKey, bool>? _dieAfterSet;
    private readonly Func<StoreKey, bool>? _dieAtDelete;
    private volatile bool _dead;

    private KillableStore(IStore inner, Func<StoreKey, bool>? dieAfterSet, Func<StoreKey, bool>? dieAtDelete)
    {
        _inner = inner;
        _dieAfterSet = dieAfterSet;
        _dieAtDelete = dieAtDelete;
    }

    /// <summary>Dies once <paramref name="objects"/> objects are marked done (the marker itself is written).</summary>
    public static KillableStore AfterDoneMarkers(IStore inner, int objects)
    {
        int done = 0;
        return new(inner, key => key.Value.StartsWith(".forge/done/", StringComparison.Ordinal) && Interlocked.Increment(ref done) >= objects, null);
    }

    /// <summary>Dies at the (n+1)-th delete, which does not happen.</summary>
    public static KillableStore AtDelete(IStore inner, int deletesBeforeKill)
    {
        int deletes = 0;
        return new(inner, null, _ => Interlocked.Increment(ref deletes) > deletesBeforeKill);
    }

    public string Url => _inner.Url;

    private void Alive()
    {
        if (_dead) throw new SimulatedKill();
    }

    private Exception Die()
    {
        _dead = true;
        return new SimulatedKill();
    }

    public ValueTask<IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default)
    {
        Alive();
        return _inner.GetAsync(key, range, ct);
    }

    public ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default)
    {
        Alive();
        return _inner.ExistsAsync(key, ct);
    }

    public async ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        Alive();
        await _inner.SetAsync(key, value, ct);
        if (_dieAfterSet?.Invoke(key) == true) throw Die();
    }

    public ValueTask<bool> SetIfAbsentAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        Alive();
        return ((IConditionalWritableStore)_inner).SetIfAbsentAsync(key, value, ct);
    }

    public ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default)
    {
        Alive();
        if (_dieAtDelete?.Invoke(key) == true) throw Die();
        return _inner.DeleteAsync(key, ct);
    }

    public async IAsyncEnumerable<StoreKey> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        Alive();
        await foreach (var key in _inner.ListAsync(prefix, ct)) yield return key;
    }
}
