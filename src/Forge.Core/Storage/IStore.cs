using System.Buffers;

namespace Forge.Core.Storage;

/// <summary>Reads values. Returns null when the key does not exist. The caller owns (disposes) the returned buffer.</summary>
public interface IReadableStore
{
    ValueTask<IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default);

    ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default);
}

/// <summary>Writes values. A set is atomic: readers see the old value or the new one, never a part.</summary>
public interface IWritableStore
{
    ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default);

    ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default);
}

/// <summary>Lists keys under a prefix ("" lists everything), in no particular order.</summary>
public interface IListableStore
{
    IAsyncEnumerable<StoreKey> ListAsync(string prefix, CancellationToken ct = default);
}

/// <summary>A store with all three capabilities; <see cref="Url"/> is where it lives, for messages.</summary>
public interface IStore : IReadableStore, IWritableStore, IListableStore
{
    string Url { get; }
}
