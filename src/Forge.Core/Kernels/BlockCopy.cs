using System.Runtime.CompilerServices;

namespace Forge.Core.Kernels;

/// <summary>
/// The one N-d copy kernel: moves a box between two C-order arrays one contiguous row at a time, merging trailing
/// dimensions that are whole in both arrays into longer rows. Plain rows go through <see cref="Span{T}.CopyTo"/>
/// (the runtime's memmove, vectorised widest first); converting rows go through an
/// <see cref="IElementConverter"/> straight into the destination, so no converted intermediate buffer exists.
/// </summary>
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
        ReadOnlySpan<long> count, int elementSize) =>
        Run(src, srcShape, srcStart, dst, dstShape, dstStart, count, elementSize, elementSize, default(CopyRows));

    /// <summary>
    /// As <see cref="Copy(ReadOnlySpan{byte}, ReadOnlySpan{long}, ReadOnlySpan{long}, Span{byte}, ReadOnlySpan{long}, ReadOnlySpan{long}, ReadOnlySpan{long}, int)"/>,
    /// converting each element on the way (source elements of <see cref="IElementConverter.SourceElementSize"/>
    /// bytes, destination elements of <see cref="IElementConverter.TargetElementSize"/> bytes).
    /// </summary>
    public static void Copy(
        ReadOnlySpan<byte> src, ReadOnlySpan<long> srcShape, ReadOnlySpan<long> srcStart,
        Span<byte> dst, ReadOnlySpan<long> dstShape, ReadOnlySpan<long> dstStart,
        ReadOnlySpan<long> count, IElementConverter converter) =>
        Run(src, srcShape, srcStart, dst, dstShape, dstStart, count, converter.SourceElementSize, converter.TargetElementSize, new ConvertRows(converter));

    /// <summary>
    /// Copies the overlap of a chunk (shape <paramref name="chunkShape"/>, first element at <paramref name="chunkOrigin"/>
    /// in array coordinates) and a region (shape <paramref name="regionCount"/>, first element at
    /// <paramref name="regionStart"/>) into the region's buffer; elements outside the overlap are left untouched.
    /// </summary>
    public static void CopyOverlap(ReadOnlySpan<byte> chunk, ReadOnlySpan<long> chunkOrigin, ReadOnlySpan<long> chunkShape,
        Span<byte> region, ReadOnlySpan<long> regionStart, ReadOnlySpan<long> regionCount, int elementSize)
    {
        var rank = chunkShape.Length;
        Span<long> srcStart = stackalloc long[rank];
        Span<long> dstStart = stackalloc long[rank];
        Span<long> extent = stackalloc long[rank];
        for (var d = 0; d < rank; d++)
        {
            var lo = Math.Max(chunkOrigin[d], regionStart[d]);
            var hi = Math.Min(chunkOrigin[d] + chunkShape[d], regionStart[d] + regionCount[d]);
            if (hi <= lo) return;
            extent[d] = hi - lo;
            srcStart[d] = lo - chunkOrigin[d];
            dstStart[d] = lo - regionStart[d];
        }

        Copy(chunk, chunkShape, srcStart, region, regionCount, dstStart, extent, elementSize);
    }

    private static void Run<TRows>(
        ReadOnlySpan<byte> src, ReadOnlySpan<long> srcShape, ReadOnlySpan<long> srcStart,
        Span<byte> dst, ReadOnlySpan<long> dstShape, ReadOnlySpan<long> dstStart,
        ReadOnlySpan<long> count, int srcElement, int dstElement, TRows rows)
        where TRows : struct, IRows
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
            rows.Row(src[..srcElement], dst[..dstElement]);
            return;
        }

        // Strides in elements; the two arrays differ only in element size.
        Span<long> srcStrides = stackalloc long[rank];
        Span<long> dstStrides = stackalloc long[rank];
        long ss = 1, ds = 1;
        for (var d = rank - 1; d >= 0; d--)
        {
            srcStrides[d] = ss;
            dstStrides[d] = ds;
            ss *= srcShape[d];
            ds *= dstShape[d];
        }

        // Merge trailing dimensions that are whole in both arrays into one longer row.
        var inner = rank - 1;
        var rowElements = count[inner];
        while (inner > 0 && count[inner] == srcShape[inner] && count[inner] == dstShape[inner])
        {
            inner--;
            rowElements *= count[inner];
        }

        long srcOffset = 0, dstOffset = 0;
        for (var d = 0; d < rank; d++)
        {
            srcOffset += srcStart[d] * srcStrides[d];
            dstOffset += dstStart[d] * dstStrides[d];
        }

        var srcRow = checked((int)(rowElements * srcElement));
        var dstRow = checked((int)(rowElements * dstElement));
        Span<long> index = stackalloc long[Math.Max(inner, 1)];
        index.Clear();
        while (true)
        {
            rows.Row(src.Slice(checked((int)(srcOffset * srcElement)), srcRow), dst.Slice(checked((int)(dstOffset * dstElement)), dstRow));
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

    private interface IRows
    {
        void Row(ReadOnlySpan<byte> src, Span<byte> dst);
    }

    private readonly struct CopyRows : IRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(ReadOnlySpan<byte> src, Span<byte> dst) => src.CopyTo(dst);
    }

    private readonly struct ConvertRows(IElementConverter converter) : IRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(ReadOnlySpan<byte> src, Span<byte> dst) => converter.Apply(src, dst);
    }
}
