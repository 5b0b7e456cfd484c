using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Forge.Formats.Grib;

/// <summary>
/// Process-wide cache of geo coordinates by grid. ecCodes needs ~1 s to compute distinctLatitudes/Longitudes of a
/// 0.25° grid, and a recipe opens thousands of files on the same grid. The key holds every grid key cfgrib reads
/// plus the corner points, so equal keys mean equal coordinates.
/// </summary>
internal static class GribGeographyCache
{
    private const int Capacity = 16;
    private static readonly ConcurrentDictionary<string, (ImmutableArray<string> Dims, ImmutableArray<long> Shape, ImmutableArray<GribCoordinate> Coords)> Cache = new(StringComparer.Ordinal);

    public static (ImmutableArray<string>, ImmutableArray<long>, ImmutableArray<GribCoordinate>) GetOrAdd(
        string key, Func<(ImmutableArray<string>, ImmutableArray<long>, ImmutableArray<GribCoordinate>)> compute)
    {
        if (Cache.TryGetValue(key, out var hit)) return hit;
        var value = compute();
        if (Cache.Count >= Capacity) Cache.Clear(); // rare: many grids in one run; recomputing is only slow, never wrong
        Cache[key] = value;
        return value;
    }
}
