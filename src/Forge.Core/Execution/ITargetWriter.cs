using System.Buffers;
using Forge.Core.Datasets;
using Forge.Core.Planning;

namespace Forge.Core.Execution;

/// <summary>
/// Writes the target store (Zarr v2 or v3 with its codecs). Objects (chunks or shards) are written first; metadata
/// that makes them visible is written by <see cref="PublishAsync"/> only after all data is in place. Encoding
/// (CPU) and storing (I/O) are separate calls so the engine can overlap them and bound each.
/// </summary>
public interface ITargetWriter
{
    string Url { get; }

    /// <summary>
    /// Encodes one object (a full chunk or shard, C order, little-endian). Returns its store key and the encoded
    /// bytes (owned by the caller), or null bytes when nothing is to be stored. Thread-safe.
    /// </summary>
    (string Key, IMemoryOwner<byte>? Encoded) EncodeObject(ArrayPlan array, ReadOnlySpan<long> objectIndex, ReadOnlySpan<byte> decoded);

    /// <summary>Stores an encoded object under its key.</summary>
    ValueTask StoreObjectAsync(string key, ReadOnlyMemory<byte> encoded, CancellationToken ct);

    /// <summary>
    /// What identifies the array's encoding in the ledger: the metadata a reader sees (dtype, shape, chunks, shards,
    /// codecs, fill value, attributes). A change here makes the existing store incompatible.
    /// </summary>
    System.Text.Json.Nodes.JsonObject DescribeArray(ArrayPlan array);

    /// <summary>
    /// Reads a region of an array as the store already holds it (C order, the array's dtype): an append takes the
    /// old part of an edge object from the store instead of downloading inputs that are already written.
    /// </summary>
    ValueTask ReadStoredAsync(ArrayPlan array, long[] start, long[] count, Memory<byte> destination, CancellationToken ct) =>
        throw new NotSupportedException($"{Url}: this target cannot read back what it stored");

    /// <summary>Writes array and group metadata, then consolidated metadata.</summary>
    ValueTask PublishAsync(RunPlan plan, AttributeSet globalAttributes, CancellationToken ct);
}
