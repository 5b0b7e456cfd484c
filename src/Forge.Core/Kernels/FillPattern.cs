using System.Runtime.InteropServices;
using Forge.Core.Arrays;

namespace Forge.Core.Kernels;

/// <summary>Fills buffers with one element's bytes, and tests whether a buffer holds only that element.</summary>
public static class FillPattern
{
    /// <summary>Repeats <paramref name="element"/> over <paramref name="dst"/> (whose length is a multiple of it).</summary>
    public static void Fill(Span<byte> dst, ReadOnlySpan<byte> element)
    {
        if (element.IndexOfAnyExcept((byte)0) < 0)
        {
            dst.Clear();
            return;
        }

        if (dst.Length < element.Length) return;
        element.CopyTo(dst);
        // Double the filled prefix until the span is full.
        var filled = element.Length;
        while (filled < dst.Length)
        {
            var n = Math.Min(filled, dst.Length - filled);
            dst[..n].CopyTo(dst[filled..]);
            filled += n;
        }
    }

    /// <summary>True when every element equals <paramref name="element"/>; for float types any NaN matches a NaN fill.</summary>
    public static bool IsUniform(ReadOnlySpan<byte> data, ReadOnlySpan<byte> element, DataType dataType)
    {
        if (element.IndexOfAnyExcept((byte)0) < 0 && data.IndexOfAnyExcept((byte)0) < 0) return true;
        if (BitwiseUniform(data, element)) return true;
        return dataType switch
        {
            DataType.Float32 when float.IsNaN(MemoryMarshal.Read<float>(element)) => FillMask.AllNaN(MemoryMarshal.Cast<byte, float>(data)),
            DataType.Float64 when double.IsNaN(MemoryMarshal.Read<double>(element)) => FillMask.AllNaN(MemoryMarshal.Cast<byte, double>(data)),
            _ => false,
        };
    }

    private static bool BitwiseUniform(ReadOnlySpan<byte> data, ReadOnlySpan<byte> element)
    {
        if (data.Length % element.Length != 0) return false;
        Span<byte> pattern = stackalloc byte[element.Length * 64];
        Fill(pattern, element);
        while (data.Length > 0)
        {
            var n = Math.Min(pattern.Length, data.Length);
            if (!data[..n].SequenceEqual(pattern[..n])) return false;
            data = data[n..];
        }

        return true;
    }
}
