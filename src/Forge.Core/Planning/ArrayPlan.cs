using System.Collections.Immutable;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Planning;

/// <summary>
/// How one target array is laid out: its chunk shape, and for a sharded array the shard shape. The "object" is
/// what one store key holds: a shard when sharded, else a chunk.
/// </summary>
public sealed record ArrayPlan(TargetVariable Variable, ImmutableArray<long> ChunkShape, ImmutableArray<long>? ShardShape)
{
    public ImmutableArray<long> ObjectShape => ShardShape ?? ChunkShape;

    public ImmutableArray<long> Shape => Variable.Shape;

    public int ElementSize => Arrays.DataTypeExtensions.ElementSize(Variable.DataType);

    public long ObjectBytes => ObjectShape.Aggregate(1L, (a, b) => a * b) * ElementSize;

    /// <summary>Number of objects along each dimension.</summary>
    public ImmutableArray<long> ObjectGrid => [.. Shape.Select((n, i) => n == 0 ? 0 : (n + ObjectShape[i] - 1) / ObjectShape[i])];

    public long ObjectCount => ObjectGrid.Aggregate(1L, (a, b) => a * b);
}
