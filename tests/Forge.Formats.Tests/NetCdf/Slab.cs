namespace Forge.Formats.Tests.NetCdf;

/// <summary>Reference hyperslab extraction from a full C-order array, to check region reads.</summary>
internal static class Slab
{
    public static byte[] Extract(byte[] full, long[] shape, long[] start, long[] count, int elementSize)
    {
        var total = count.Aggregate(1L, (a, b) => a * b);
        var result = new byte[total * elementSize];
        var index = new long[shape.Length];
        for (long n = 0; n < total; n++)
        {
            var rem = n;
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                index[d] = start[d] + (rem % count[d]);
                rem /= count[d];
            }

            long offset = 0;
            for (var d = 0; d < shape.Length; d++) offset = (offset * shape[d]) + index[d];
            Array.Copy(full, offset * elementSize, result, n * elementSize, elementSize);
        }

        return result;
    }
}
