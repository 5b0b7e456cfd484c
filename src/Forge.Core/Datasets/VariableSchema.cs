using System.Collections.Immutable;
using Forge.Core.Arrays;

namespace Forge.Core.Datasets;

/// <summary>
/// One variable of a dataset as its header describes it (no data). Attributes are exactly as stored:
/// packing (scale_factor/add_offset), _FillValue, units and calendar pass through unchanged.
/// </summary>
public sealed record VariableSchema(
    string Name,
    DataType DataType,
    ImmutableArray<string> Dimensions,
    ImmutableArray<long> Shape,
    AttributeSet Attributes,
    bool IsCoordinate = false)
{
    public StorageLayout Layout { get; init; } = StorageLayout.Contiguous;

    public int Rank => Dimensions.Length;

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public long ByteCount => ElementCount * DataType.ElementSize();

    /// <summary>True for a one-dimensional variable named like its dimension (a CF coordinate variable).</summary>
    public bool IsDimensionCoordinate => Dimensions.Length == 1 && Dimensions[0] == Name;
}
