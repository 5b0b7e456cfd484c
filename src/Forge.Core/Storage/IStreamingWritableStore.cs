namespace Forge.Core.Storage;

/// <summary>
/// A store that writes one value from a stream of known length without holding it whole in memory (a shard larger
/// than the memory budget). As atomic as <see cref="IWritableStore.SetAsync"/>: readers see the old value or the
/// whole new one.
/// </summary>
public interface IStreamingWritableStore
{
    /// <summary>Stores the next <paramref name="length"/> bytes of <paramref name="content"/> (read sequentially) under <paramref name="key"/>.</summary>
    ValueTask SetFromStreamAsync(StoreKey key, Stream content, long length, CancellationToken ct = default);
}

/// <summary>Streamed writes on any store: natively when it can, else by reading the value into one buffer.</summary>
public static class StreamingWrites
{
    public static async ValueTask SetFromStreamAsync(this IWritableStore store, StoreKey key, Stream content, long length, CancellationToken ct = default)
    {
        if (store is IStreamingWritableStore streaming)
        {
            await streaming.SetFromStreamAsync(key, content, length, ct).ConfigureAwait(false);
            return;
        }

        if (length > Array.MaxLength) throw new IOException($"value '{key}' of {length} bytes is too large for a store without streamed writes");
        var buffer = GC.AllocateUninitializedArray<byte>((int)length);
        await content.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        await store.SetAsync(key, buffer, ct).ConfigureAwait(false);
    }
}
