using System.Collections.Immutable;
using Forge.Core.Datasets;

namespace Forge.Formats.Grib;

/// <summary>What a variable takes from its first message: extra GRIB_* attributes and the horizontal grid.</summary>
/// <param name="ExtraAttributes">GRIB_&lt;key&gt; attributes in cfgrib's (sorted key) order.</param>
/// <param name="GeoDimensions">("latitude", "longitude"), ("y", "x") or ("values").</param>
/// <param name="GeoShape">Length of each geo dimension.</param>
/// <param name="GeoCoordinates">latitude/longitude coordinates, when ecCodes provides them.</param>
internal sealed record GribVariableInfo(
    ImmutableArray<KeyValuePair<string, AttributeValue>> ExtraAttributes,
    string? ShortName,
    string? CfVarName,
    ImmutableArray<string> GeoDimensions,
    ImmutableArray<long> GeoShape,
    ImmutableArray<GribCoordinate> GeoCoordinates);
