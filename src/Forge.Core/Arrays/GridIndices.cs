namespace Forge.Core.Arrays;

/// <summary>Walks the indices of a chunk (or object) grid in C order, the order Zarr and the ledger list them.</summary>
internal static class GridIndices
{
    /// <summary>Every index of a grid of the given extent; none when a dimension is empty, one (the empty index) for a scalar.</summary>
    public static IEnumerable<long[]> All(long[] grid)
    {
        if (grid.Any(g => g == 0)) return [];
        return Between(new long[grid.Length], grid.Select(g => g - 1).ToArray());
    }

    /// <summary>Every index from <paramref name="first"/> to <paramref name="last"/> (both inclusive), each a fresh array.</summary>
    public static IEnumerable<long[]> Between(long[] first, long[] last)
    {
        var index = (long[])first.Clone();
        while (true)
        {
            yield return (long[])index.Clone();
            var dim = index.Length - 1;
            for (; dim >= 0; dim--)
            {
                if (++index[dim] <= last[dim]) break;
                index[dim] = first[dim];
            }

            if (dim < 0) yield break;
        }
    }
}
