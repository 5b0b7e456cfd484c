namespace Forge.Core.Kernels;

/// <summary>Copies an N-d box between two C-order arrays of the same element size, one contiguous row at a time.</summary>
public static class BlockCopy
{
    /// <summary>
    /// Copies the box of <paramref name="count"/> elements per dimension from <paramref name="src"/> (shape
    /// <paramref name="srcShape"/>, box origin <paramref name="srcStart"/>) to <paramref name="dst"/> (shape
    /// <paramref name="dstShape"/>, origin <paramref name="dstStart"/>). All spans have the same rank.
    /// </summary>
    public static void Copy(
        ReadOnlySpan<byte> src, ReadOnlySpan<long> srcShape, ReadOnlySpan<long> srcStart,
        Span<byte> dst, ReadOnlySpan<long> dstShape, ReadOnlySpan<long> dstStart,
        ReadOnlySpan<long> count, int elementSize)
    {
        var rank = count.Length;
        if (srcShape.Length != rank || dstShape.Length != rank || srcStart.Length != rank || dstStart.Length != rank)
            throw new ArgumentException("shapes, origins and counts must have the same rank");
        for (var d = 0; d < rank; d++)
        {
            if (count[d] == 0) return;
            if (srcStart[d] < 0 || srcStart[d] + count[d] > srcShape[d] || dstStart[d] < 0 || dstStart[d] + count[d] > dstShape[d])
                throw new ArgumentOutOfRangeException(nameof(count), $"box does not fit in dimension {d}");
        }

        if (rank == 0)
        {
            src[..elementSize].CopyTo(dst);
            return;
        }

        Span<long> srcStrides = stackalloc long[rank];
        Span<long> dstStrides = stackalloc long[rank];
        long ss = elementSize, ds = elementSize;
        for (var d = rank - 1; d >= 0; d--)
        {
            srcStrides[d] = ss;
            dstStrides[d] = ds;
            ss *= srcShape[d];
            ds *= dstShape[d];
        }

        // Merge trailing dimensions that are whole in both arrays into one longer row.
        var inner = rank - 1;
        var rowBytes = count[inner] * elementSize;
        while (inner > 0 && count[inner] == srcShape[inner] && count[inner] == dstShape[inner])
        {
            inner--;
            rowBytes *= count[inner];
        }

        long srcOffset = 0, dstOffset = 0;
        for (var d = 0; d < rank; d++)
        {
            srcOffset += srcStart[d] * srcStrides[d];
            dstOffset += dstStart[d] * dstStrides[d];
        }

        Span<long> index = stackalloc long[Math.Max(inner, 1)];
        index.Clear();
        while (true)
        {
            src.Slice((int)srcOffset, (int)rowBytes).CopyTo(dst.Slice((int)dstOffset, (int)rowBytes));
            var d = inner - 1;
            for (; d >= 0; d--)
            {
                srcOffset += srcStrides[d];
                dstOffset += dstStrides[d];
                if (++index[d] < count[d]) break;
                srcOffset -= srcStrides[d] * count[d];
                dstOffset -= dstStrides[d] * count[d];
                index[d] = 0;
            }

            if (d < 0) return;
        }
    }
}
