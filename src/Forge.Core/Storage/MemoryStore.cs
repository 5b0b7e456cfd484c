using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Forge.Core.Storage;

/// <summary>A thread-safe in-process store (tests, dry runs); values are copied in and out, never shared.</summary>
public sealed class MemoryStore : IStore, IConditionalWritableStore, IStreamingWritableStore
{
    private readonly ConcurrentDictionary<string, byte[]> _values = new(StringComparer.Ordinal);

    public string Url => "memory://";

    /// <summary>Number of values held.</summary>
    public int Count => _values.Count;

    public ValueTask<IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var name = StoreArguments.Key(key, Url);
        StoreArguments.Range(range, key, Url);
        if (!_values.TryGetValue(name, out var value)) return ValueTask.FromResult<IMemoryOwner<byte>?>(null);
        var (offset, length) = range is null ? (0L, value.Length) : range.Resolve(value.Length);
        // Values are immutable arrays replaced whole on set, so this copy never sees a torn value.
        var slice = length == 0 ? ReadOnlySpan<byte>.Empty : value.AsSpan((int)offset, (int)length);
        return ValueTask.FromResult<IMemoryOwner<byte>?>(StoreBuffer.CopyOf(slice));
    }

    public ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_values.ContainsKey(StoreArguments.Key(key, Url)));
    }

    public ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        _values[StoreArguments.Key(key, Url)] = value.ToArray();
        return ValueTask.CompletedTask;
    }

    public async ValueTask SetFromStreamAsync(StoreKey key, Stream content, long length, CancellationToken ct = default)
    {
        var name = StoreArguments.Key(key, Url);
        var value = new byte[length];
        await content.ReadExactlyAsync(value, ct).ConfigureAwait(false);
        _values[name] = value;
    }

    public ValueTask<bool> SetIfAbsentAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_values.TryAdd(StoreArguments.Key(key, Url), value.ToArray()));
    }

    public ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        _values.TryRemove(StoreArguments.Key(key, Url), out _);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<StoreKey> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        StoreArguments.Prefix(prefix, Url);
        await Task.CompletedTask;
        // Keys is a snapshot, so concurrent sets and deletes never break the enumeration.
        foreach (var name in _values.Keys)
        {
            ct.ThrowIfCancellationRequested();
            if (name.StartsWith(prefix, StringComparison.Ordinal)) yield return new StoreKey(name);
        }
    }

    public override string ToString() => Url;
}
