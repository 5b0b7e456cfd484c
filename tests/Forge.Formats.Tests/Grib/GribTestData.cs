using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Datasets;

namespace Forge.Formats.Tests.Grib;

/// <summary>Reading helpers for GRIB tests: whole variables as doubles.</summary>
internal static class GribTestData
{
    public static async Task<double[]> ReadAllAsync(IDatasetReader reader, string name)
    {
        var v = reader.Schema.GetVariable(name);
        return await ReadAsync(reader, name, new long[v.Rank], v.Shape.ToArray());
    }

    public static async Task<double[]> ReadAsync(IDatasetReader reader, string name, long[] start, long[] count)
    {
        var v = reader.Schema.GetVariable(name);
        var elements = count.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[elements * v.DataType.ElementSize()];
        await reader.ReadAsync(name, start, count, bytes);
        return v.DataType switch
        {
            DataType.Float32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray().Select(f => (double)f).ToArray(),
            DataType.Float64 => MemoryMarshal.Cast<byte, double>(bytes).ToArray(),
            DataType.Int64 => MemoryMarshal.Cast<byte, long>(bytes).ToArray().Select(l => (double)l).ToArray(),
            _ => throw new InvalidOperationException($"unexpected type {v.DataType}"),
        };
    }

    /// <summary>Index of the first element that differs (NaN equals NaN), or -1.</summary>
    public static int FirstDifference(double[] expected, double[] actual)
    {
        if (expected.Length != actual.Length) return Math.Min(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i])) return i;
        }

        return -1;
    }
}
