using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Datasets;

namespace Forge.Formats.Grib;

/// <summary>A coordinate variable built from GRIB headers or grid keys, held in memory (little-endian, C order).</summary>
internal sealed record GribCoordinate(string Name, DataType DataType, ImmutableArray<string> Dimensions, ImmutableArray<long> Shape, AttributeSet Attributes, byte[] Data)
{
    public static GribCoordinate FromDoubles(string name, ImmutableArray<string> dims, ImmutableArray<long> shape, AttributeSet attrs, ReadOnlySpan<double> values) =>
        new(name, DataType.Float64, dims, shape, attrs, MemoryMarshal.AsBytes(values).ToArray());

    public static GribCoordinate FromLongs(string name, ImmutableArray<string> dims, ImmutableArray<long> shape, AttributeSet attrs, ReadOnlySpan<long> values) =>
        new(name, DataType.Int64, dims, shape, attrs, MemoryMarshal.AsBytes(values).ToArray());

    public VariableSchema ToSchema() => new(Name, DataType, Dimensions, Shape, Attributes, IsCoordinate: true);

    /// <summary>Same dims, type, attributes and bytes: two variables may share this coordinate.</summary>
    public bool SameAs(GribCoordinate other) =>
        DataType == other.DataType && Dimensions.SequenceEqual(other.Dimensions) && Shape.SequenceEqual(other.Shape) &&
        Attributes.Equals(other.Attributes) && Data.AsSpan().SequenceEqual(other.Data);
}
