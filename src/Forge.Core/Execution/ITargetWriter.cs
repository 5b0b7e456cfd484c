using Forge.Core.Datasets;
using Forge.Core.Planning;

namespace Forge.Core.Execution;

/// <summary>
/// Writes the target store (Zarr v2 or v3 with its codecs). Objects (chunks or shards) are written first; metadata
/// that makes them visible is written by <see cref="PublishAsync"/> only after all data is in place.
/// </summary>
public interface ITargetWriter
{
    string Url { get; }

    /// <summary>Encodes and stores one object (a full chunk or shard, C order, little-endian). Returns its store key and stored bytes.</summary>
    ValueTask<(string Key, long StoredBytes)> WriteObjectAsync(ArrayPlan array, ReadOnlyMemory<long> objectIndex, ReadOnlyMemory<byte> decoded, CancellationToken ct);

    /// <summary>
    /// What identifies the array's encoding in the ledger: the metadata a reader sees (dtype, shape, chunks, shards,
    /// codecs, fill value, attributes). A change here makes the existing store incompatible.
    /// </summary>
    System.Text.Json.Nodes.JsonObject DescribeArray(ArrayPlan array);

    /// <summary>Writes array and group metadata, then consolidated metadata.</summary>
    ValueTask PublishAsync(RunPlan plan, AttributeSet globalAttributes, CancellationToken ct);
}
