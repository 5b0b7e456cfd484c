namespace Forge.Core.Arrays;

/// <summary>
/// Copies an N-dimensional box between two C-order element buffers. Contiguous trailing axes are coalesced so
/// the inner copy is one long <see cref="Span{T}.CopyTo"/> (memcpy speed), which is what scatter/gather of
/// rechunking spends its time in.
/// </summary>
public static class BoxCopy
{
    public static void Copy(
        ReadOnlySpan<byte> source, ReadOnlySpan<long> sourceShape, ReadOnlySpan<long> sourceStart,
        Span<byte> destination, ReadOnlySpan<long> destinationShape, ReadOnlySpan<long> destinationStart,
        ReadOnlySpan<long> count, int elementSize)
    {
        int rank = count.Length;
        if (rank == 0) { source[..elementSize].CopyTo(destination); return; }
        for (int i = 0; i < rank; i++) if (count[i] == 0) return;

        // Coalesce trailing axes that are copied whole in both buffers into one run.
        int inner = rank - 1;
        long run = count[inner];
        while (inner > 0 && count[inner] == sourceShape[inner] && count[inner] == destinationShape[inner] && sourceStart[inner] == 0 && destinationStart[inner] == 0)
        {
            inner--;
            run *= count[inner];
        }

        long runBytes = run * elementSize;
        Span<long> srcStrides = stackalloc long[rank];
        Span<long> dstStrides = stackalloc long[rank];
        srcStrides[rank - 1] = elementSize;
        dstStrides[rank - 1] = elementSize;
        for (int i = rank - 2; i >= 0; i--)
        {
            srcStrides[i] = srcStrides[i + 1] * sourceShape[i + 1];
            dstStrides[i] = dstStrides[i + 1] * destinationShape[i + 1];
        }

        long srcBase = 0, dstBase = 0;
        for (int i = 0; i < rank; i++)
        {
            srcBase += sourceStart[i] * srcStrides[i];
            dstBase += destinationStart[i] * dstStrides[i];
        }

        // Odometer over the outer axes [0, inner).
        Span<long> idx = stackalloc long[Math.Max(1, inner)];
        idx.Clear();
        while (true)
        {
            long so = srcBase, d = dstBase;
            for (int i = 0; i < inner; i++) { so += idx[i] * srcStrides[i]; d += idx[i] * dstStrides[i]; }
            source.Slice(checked((int)so), checked((int)runBytes)).CopyTo(destination.Slice(checked((int)d), checked((int)runBytes)));
            int axis = inner - 1;
            while (axis >= 0)
            {
                if (++idx[axis] < count[axis]) break;
                idx[axis] = 0;
                axis--;
            }

            if (axis < 0) break;
        }
    }
}
