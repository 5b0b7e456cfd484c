namespace Forge.Formats.Kernels;

/// <summary>Copies the overlap of a decoded chunk and a requested region (both C order) into the region's buffer.</summary>
public static class HyperslabCopy
{
    /// <param name="chunk">Decoded chunk bytes, shape <paramref name="chunkShape"/>, first element at <paramref name="chunkOrigin"/>.</param>
    /// <param name="region">Destination bytes, shape <paramref name="regionCount"/>, first element at <paramref name="regionStart"/>.</param>
    public static void CopyOverlap(ReadOnlySpan<byte> chunk, ReadOnlySpan<long> chunkOrigin, ReadOnlySpan<long> chunkShape,
        Span<byte> region, ReadOnlySpan<long> regionStart, ReadOnlySpan<long> regionCount, int elementSize)
    {
        var rank = chunkShape.Length;
        if (rank == 0)
        {
            chunk[..elementSize].CopyTo(region);
            return;
        }

        Span<long> lo = stackalloc long[rank];
        Span<long> extent = stackalloc long[rank];
        for (var d = 0; d < rank; d++)
        {
            lo[d] = Math.Max(chunkOrigin[d], regionStart[d]);
            var hi = Math.Min(chunkOrigin[d] + chunkShape[d], regionStart[d] + regionCount[d]);
            extent[d] = hi - lo[d];
            if (extent[d] <= 0) return;
        }

        // Odometer over all dimensions but the last; each step copies one contiguous run.
        var run = (int)(extent[rank - 1] * elementSize);
        Span<long> index = stackalloc long[rank];
        while (true)
        {
            long src = 0, dst = 0;
            for (var d = 0; d < rank; d++)
            {
                src = (src * chunkShape[d]) + (lo[d] + index[d] - chunkOrigin[d]);
                dst = (dst * regionCount[d]) + (lo[d] + index[d] - regionStart[d]);
            }

            chunk.Slice((int)(src * elementSize), run).CopyTo(region.Slice(checked((int)(dst * elementSize)), run));

            var dim = rank - 2;
            while (dim >= 0)
            {
                if (++index[dim] < extent[dim]) break;
                index[dim] = 0;
                dim--;
            }

            if (dim < 0) return;
        }
    }
}
