using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Planning;

/// <summary>
/// How one target array is laid out: its chunk shape, and for a sharded array the shard shape. The "object" is
/// what one store key holds: a shard when sharded, else a chunk. Objects are the unit of work identity: an object
/// is named "&lt;array&gt;/&lt;i.j.k&gt;" by its grid index, whatever the memory budget, worker count or machine.
/// </summary>
public sealed record ArrayPlan(TargetVariable Variable, ImmutableArray<long> ChunkShape, ImmutableArray<long>? ShardShape)
{
    public ImmutableArray<long> ObjectShape => ShardShape ?? ChunkShape;

    /// <summary>
    /// Set on the view whose objects are the inner chunks of a sharded array (<see cref="AssemblyUnits"/>): the
    /// shard shape. The engine assembles and encodes such inner chunks one by one; the shard stays the object of
    /// work identity.
    /// </summary>
    public ImmutableArray<long>? ShardOf { get; init; }

    /// <summary>
    /// What the engine assembles in memory: the array itself, or for a sharded array the view whose "objects" are
    /// its inner chunks (so a shard larger than the memory budget is written without ever being held whole).
    /// </summary>
    public ArrayPlan AssemblyUnits => ShardShape is null ? this : this with { ShardShape = null, ShardOf = ShardShape };

    /// <summary>The array's real layout (undoes <see cref="AssemblyUnits"/>).</summary>
    public ArrayPlan Stored => ShardOf is null ? this : this with { ShardShape = ShardOf, ShardOf = null };

    /// <summary>The grid index of the stored object (shard) that holds assembly unit <paramref name="index"/>.</summary>
    public long[] StoredIndex(ReadOnlySpan<long> index)
    {
        var result = index.ToArray();
        if (ShardOf is { } shard)
        {
            for (int d = 0; d < result.Length; d++) result[d] = result[d] * ChunkShape[d] / shard[d];
        }

        return result;
    }

    /// <summary>The work identity (object id) of the stored object holding assembly unit <paramref name="index"/>.</summary>
    public string DoneId(ReadOnlySpan<long> index) => ShardOf is null ? ObjectId(index) : ObjectIds.Of(Variable.Name, StoredIndex(index));

    public ImmutableArray<long> Shape => Variable.Shape;

    public int Rank => Variable.Shape.Length;

    public int ElementSize => Arrays.DataTypeExtensions.ElementSize(Variable.DataType);

    /// <summary>Decoded bytes of one full object (edge objects are stored at full size too).</summary>
    public long ObjectBytes => ObjectShape.Aggregate(1L, (a, b) => a * b) * ElementSize;

    /// <summary>Number of objects along each dimension.</summary>
    public ImmutableArray<long> ObjectGrid => [.. Shape.Select((n, i) => n == 0 ? 0 : (n + ObjectShape[i] - 1) / ObjectShape[i])];

    public long ObjectCount => ObjectGrid.Aggregate(1L, (a, b) => a * b);

    /// <summary>The object's id: "&lt;array&gt;/&lt;i.j.k&gt;"; a scalar array's one object is "&lt;array&gt;/0", as Zarr names its chunk.</summary>
    public string ObjectId(ReadOnlySpan<long> index) => ObjectIds.Of(Variable.Name, index);

    /// <summary>Every object index in C order (none when a dimension is empty: metadata only).</summary>
    public IEnumerable<long[]> ObjectIndices() => GridIndices.All([.. ObjectGrid]);

    /// <summary>The elements of the array an object holds: its origin and its extent clipped to the array.</summary>
    public (long[] Start, long[] Count) ObjectRegion(ReadOnlySpan<long> index)
    {
        var start = new long[index.Length];
        var count = new long[index.Length];
        for (int d = 0; d < index.Length; d++)
        {
            start[d] = index[d] * ObjectShape[d];
            count[d] = Math.Min(ObjectShape[d], Shape[d] - start[d]);
        }

        return (start, count);
    }
}
