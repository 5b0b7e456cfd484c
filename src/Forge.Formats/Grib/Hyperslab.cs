namespace Forge.Formats.Grib;

/// <summary>Copies a box out of a C-order array held in memory (contiguous innermost runs).</summary>
internal static class Hyperslab
{
    public static void Copy(ReadOnlySpan<byte> source, ReadOnlySpan<long> shape, int elementSize, ReadOnlySpan<long> start, ReadOnlySpan<long> count, Span<byte> destination)
    {
        var rank = shape.Length;
        if (rank == 0)
        {
            source[..elementSize].CopyTo(destination);
            return;
        }

        var run = checked((int)(count[rank - 1] * elementSize));
        long rows = 1;
        for (var d = 0; d < rank - 1; d++) rows *= count[d];
        if (run == 0 || rows == 0) return;

        Span<long> index = stackalloc long[rank];
        var written = 0;
        for (long r = 0; r < rows; r++)
        {
            long offset = 0;
            for (var d = 0; d < rank; d++) offset = (offset * shape[d]) + start[d] + (d < rank - 1 ? index[d] : 0);
            source.Slice(checked((int)(offset * elementSize)), run).CopyTo(destination.Slice(written, run));
            written += run;
            for (var d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < count[d]) break;
                index[d] = 0;
            }
        }
    }

    /// <summary>Checks a request against a variable's shape; the message names the variable and the offending dimension.</summary>
    public static void Validate(string source, string variable, ReadOnlySpan<long> shape, ReadOnlySpan<long> start, ReadOnlySpan<long> count, int elementSize, int destinationLength)
    {
        if (start.Length != shape.Length || count.Length != shape.Length)
        {
            throw new ArgumentException($"{source}: variable '{variable}' has rank {shape.Length}, request has start rank {start.Length} and count rank {count.Length}");
        }

        long elements = 1;
        for (var d = 0; d < shape.Length; d++)
        {
            if (start[d] < 0 || count[d] < 0 || start[d] + count[d] > shape[d])
            {
                throw new ArgumentOutOfRangeException(nameof(start), $"{source}: variable '{variable}' dimension {d}: [{start[d]}, {start[d] + count[d]}) is outside [0, {shape[d]})");
            }

            elements *= count[d];
        }

        if (elements * elementSize != destinationLength)
        {
            throw new ArgumentException($"{source}: variable '{variable}': destination has {destinationLength} bytes, request needs {elements * elementSize}");
        }
    }
}
