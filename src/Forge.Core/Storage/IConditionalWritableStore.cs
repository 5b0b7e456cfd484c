namespace Forge.Core.Storage;

/// <summary>A store that can create a value atomically only when its key does not exist yet (ledgers, leases).</summary>
public interface IConditionalWritableStore
{
    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/> unless the key exists; returns false when it did.</summary>
    ValueTask<bool> SetIfAbsentAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default);
}
