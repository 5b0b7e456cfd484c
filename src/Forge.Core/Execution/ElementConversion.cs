using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Kernels;

namespace Forge.Core.Execution;

/// <summary>
/// How source elements become target elements: a plain copy, CF unpacking to float32 (decode_cf: x·scale_factor +
/// add_offset, _FillValue / missing_value and NaN → NaN), or an affine map y = x·Scale + Offset in float64 (time
/// values re-encoded to the store's units; int64 targets are rounded to nearest, ties to even).
/// Every path is vectorised (Core/Kernels) and equals the scalar definition bit for bit.
/// </summary>
public sealed record ElementConversion(DataType Source, DataType Target, CfUnpacking? Unpacking, double Scale = 1, double Offset = 0)
    : IElementConverter
{
    // Elements widened per block: 4 KiB of float64 stays in L1 between the widen and the affine pass.
    private const int BlockElements = 512;

    public bool IsCopy => Source == Target && Unpacking is null && Scale == 1 && Offset == 0;

    public int SourceElementSize => Source.ElementSize();

    /// <summary>Bytes per converted element: float32 when unpacking, else the target type.</summary>
    public int TargetElementSize => Unpacking is not null ? 4 : IsCopy ? Source.ElementSize() : Target.ElementSize();

    /// <summary>Converts every element of <paramref name="source"/> into the front of <paramref name="target"/>.</summary>
    public void Apply(ReadOnlySpan<byte> source, Span<byte> target)
    {
        if (IsCopy) { source.CopyTo(target); return; }
        if (Unpacking is null && Target is not (DataType.Float64 or DataType.Float32 or DataType.Int64))
            throw new NotSupportedException($"cannot convert {Source} to {Target}");
        var count = source.Length / SourceElementSize;
        if ((long)count * TargetElementSize > target.Length)
            throw new ArgumentException($"target holds fewer than {count} converted elements", nameof(target));

        if (Unpacking is { } u && Source == DataType.Float32 && u.ScaleFactor == 1 && u.AddOffset == 0)
        {
            MaskFloat32(MemoryMarshal.Cast<byte, float>(source), MemoryMarshal.Cast<byte, float>(target), u);
            return;
        }

        Span<double> block = stackalloc double[BlockElements];
        for (var i = 0; i < count; i += BlockElements)
        {
            var n = Math.Min(BlockElements, count - i);
            var x = block[..n];
            Widen(source.Slice(i * SourceElementSize, n * SourceElementSize), x);
            var dst = target[(i * TargetElementSize)..];
            if (Unpacking is { } p)
                AffineMap.ToSingle(x, MemoryMarshal.Cast<byte, float>(dst), p.ScaleFactor, p.AddOffset, p.FillValues.AsSpan(), mask: true);
            else if (Target == DataType.Float64)
                AffineMap.ToDouble(x, MemoryMarshal.Cast<byte, double>(dst), Scale, Offset);
            else if (Target == DataType.Float32)
                AffineMap.ToSingle(x, MemoryMarshal.Cast<byte, float>(dst), Scale, Offset, default, mask: false);
            else
                AffineMap.ToInt64Rounded(x, MemoryMarshal.Cast<byte, long>(dst), Scale, Offset);
        }
    }

    private static void MaskFloat32(ReadOnlySpan<float> source, Span<float> target, CfUnpacking u)
    {
        // A fill that float32 cannot hold exactly never equals a float32 value (the float64 comparison is exact).
        Span<float> fills = stackalloc float[u.FillValues.Length];
        var k = 0;
        foreach (var f in u.FillValues)
            if ((double)(float)f == f) fills[k++] = (float)f;
        FillMask.ToNaN(source, target, fills[..k]);
    }

    private void Widen(ReadOnlySpan<byte> s, Span<double> x)
    {
        switch (Source)
        {
            case DataType.Int8: WidenToDouble.Convert(MemoryMarshal.Cast<byte, sbyte>(s), x); break;
            case DataType.UInt8: WidenToDouble.Convert(s, x); break;
            case DataType.Int16: WidenToDouble.Convert(MemoryMarshal.Cast<byte, short>(s), x); break;
            case DataType.UInt16: WidenToDouble.Convert(MemoryMarshal.Cast<byte, ushort>(s), x); break;
            case DataType.Int32: WidenToDouble.Convert(MemoryMarshal.Cast<byte, int>(s), x); break;
            case DataType.UInt32: WidenToDouble.Convert(MemoryMarshal.Cast<byte, uint>(s), x); break;
            case DataType.Int64: WidenToDouble.Convert(MemoryMarshal.Cast<byte, long>(s), x); break;
            case DataType.UInt64: WidenToDouble.Convert(MemoryMarshal.Cast<byte, ulong>(s), x); break;
            case DataType.Float32: WidenToDouble.Convert(MemoryMarshal.Cast<byte, float>(s), x); break;
            case DataType.Float64: WidenToDouble.Convert(MemoryMarshal.Cast<byte, double>(s), x); break;
            default: throw new NotSupportedException($"cannot convert {Source} to {Target}");
        }
    }
}
