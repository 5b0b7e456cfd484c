using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Forge.Core.Storage;

namespace Forge.Sources.Tests.Infrastructure;

/// <summary>A test-only in-memory IStore (a non-local store, like S3) to exercise the cache's store path.</summary>
public sealed class MemoryStore : IStore
{
    public ConcurrentDictionary<string, byte[]> Values { get; } = new(StringComparer.Ordinal);

    public string Url => "memory://test";

    public ValueTask<IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default)
    {
        if (!Values.TryGetValue(key.Value, out var value)) return new ValueTask<IMemoryOwner<byte>?>((IMemoryOwner<byte>?)null);
        var (offset, length) = range?.Resolve(value.Length) ?? (0, value.Length);
        return new ValueTask<IMemoryOwner<byte>?>(new Owner(value.AsMemory((int)offset, (int)length).ToArray()));
    }

    public ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default) => new(Values.ContainsKey(key.Value));

    public ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        Values[key.Value] = value.ToArray();
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default)
    {
        Values.TryRemove(key.Value, out _);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<StoreKey> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.Yield();
        foreach (var key in Values.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))) yield return new StoreKey(key);
    }

    private sealed class Owner(byte[] data) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => data;

        public void Dispose() { }
    }
}
