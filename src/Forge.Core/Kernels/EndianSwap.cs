using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Forge.Core.Kernels;

/// <summary>Reverses the byte order of every 2-, 4- or 8-byte element (vectorized by the BCL).</summary>
public static class EndianSwap
{
    /// <summary>Swaps in place; element sizes 1 (a no-op), 2, 4 and 8.</summary>
    public static void SwapInPlace(Span<byte> data, int elementSize)
    {
        if (data.Length % Math.Max(1, elementSize) != 0)
            throw new ArgumentException($"{data.Length} bytes is not a whole number of {elementSize}-byte elements", nameof(data));
        switch (elementSize)
        {
            case 1: return;
            case 2: var s = MemoryMarshal.Cast<byte, ushort>(data); BinaryPrimitives.ReverseEndianness(s, s); return;
            case 4: var i = MemoryMarshal.Cast<byte, uint>(data); BinaryPrimitives.ReverseEndianness(i, i); return;
            case 8: var l = MemoryMarshal.Cast<byte, ulong>(data); BinaryPrimitives.ReverseEndianness(l, l); return;
            default: throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "element size must be 1, 2, 4 or 8");
        }
    }

    /// <summary>Copies <paramref name="src"/> to <paramref name="dst"/> with every element's bytes reversed.</summary>
    public static void Swap(ReadOnlySpan<byte> src, Span<byte> dst, int elementSize)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination is shorter than source", nameof(dst));
        src.CopyTo(dst);
        SwapInPlace(dst[..src.Length], elementSize);
    }
}
