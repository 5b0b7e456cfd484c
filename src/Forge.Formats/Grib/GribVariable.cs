using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;

namespace Forge.Formats.Grib;

/// <summary>
/// A data variable: a hypercube of header dimensions (number, time, step, level…) whose cells are whole GRIB
/// fields over the geo dimensions. <see cref="Fields"/> maps a flat header index to its message; absent cells are holes (NaN).
/// </summary>
internal sealed record GribVariable(
    string Name,
    long ParamId,
    ImmutableArray<string> HeaderDimensions,
    ImmutableArray<long> HeaderShape,
    ImmutableArray<string> GeoDimensions,
    ImmutableArray<long> GeoShape,
    IReadOnlyDictionary<long, GribField> Fields,
    AttributeSet Attributes)
{
    public long FieldLength => GeoShape.Aggregate(1L, (a, b) => a * b);

    public VariableSchema ToSchema() =>
        new(Name, DataType.Float32, [.. HeaderDimensions, .. GeoDimensions], [.. HeaderShape, .. GeoShape], Attributes);
}
