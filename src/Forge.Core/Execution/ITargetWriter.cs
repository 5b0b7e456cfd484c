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

    /// <summary>The store key of an object (chunk or shard) of <paramref name="array"/>'s real layout.</summary>
    string ObjectKey(ArrayPlan array, ReadOnlySpan<long> objectIndex);

    /// <summary>
    /// Encodes one inner chunk of a sharded array (full inner chunk shape, C order, little-endian) with the shard's
    /// inner codecs; null when it holds only the fill value (an empty index entry). Thread-safe.
    /// </summary>
    IMemoryOwner<byte>? EncodeInnerChunk(ArrayPlan array, ReadOnlySpan<byte> decoded);

    /// <summary>
    /// The encoded index of a shard whose inner chunks (C order) have the encoded sizes <paramref name="sizes"/>
    /// (negative = empty) and are stored in C order; <paramref name="atStart"/> says whether the index goes first.
    /// </summary>
    IMemoryOwner<byte> EncodeShardIndex(ArrayPlan array, ReadOnlySpan<long> sizes, out bool atStart);

    /// <summary>Stores an object read from <paramref name="content"/> (<paramref name="length"/> bytes), atomically, without holding it whole.</summary>
    ValueTask StoreObjectAsync(string key, Stream content, long length, CancellationToken ct);

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

    /// <summary>
    /// The encoder that streams one object of <paramref name="array"/> (C order, little-endian bytes arriving in
    /// order) into exactly the bytes <see cref="EncodeObject"/> writes: false when the array's codecs cannot stream
    /// (sharded, array→array codecs, byte swapping, a compressor without a streamed form, too small); true with a null
    /// encoder when the object is stored as its raw bytes (no compressor).
    /// </summary>
    bool TryCreateStreamEncoder(ArrayPlan array, out Codecs.IBytesStreamEncoder? encoder)
    {
        encoder = null;
        return false;
    }

    /// <summary>
    /// A temporary file beside the object <paramref name="key"/> that <see cref="PublishObjectFile"/> renames into
    /// place (a local target: a streamed object is written where it will be stored); null when the target is not a
    /// local folder (the object is then written to scratch and stored with the streamed <see cref="StoreObjectAsync(string, Stream, long, CancellationToken)"/>).
    /// </summary>
    string? CreateObjectFile(string key) => null;

    /// <summary>Makes a complete, closed file from <see cref="CreateObjectFile"/> the stored object (flushed first when the target flushes).</summary>
    void PublishObjectFile(string path, string key) => throw new NotSupportedException($"{Url}: objects are not written in place");

    /// <summary>Writes array and group metadata, then consolidated metadata.</summary>
    ValueTask PublishAsync(RunPlan plan, AttributeSet globalAttributes, CancellationToken ct);
}
