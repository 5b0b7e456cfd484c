using System.Numerics;
using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Transforms;

namespace Forge.Core.Execution;

/// <summary>
/// How source elements become target elements: a plain copy, CF unpacking to float32 (decode_cf), or an affine
/// map y = x·Scale + Offset in float64 (time values re-encoded to the store's units).
/// </summary>
public sealed record ElementConversion(DataType Source, DataType Target, CfUnpacking? Unpacking, double Scale = 1, double Offset = 0)
{
    public bool IsCopy => Source == Target && Unpacking is null && Scale == 1 && Offset == 0;

    public void Apply(ReadOnlySpan<byte> source, Span<byte> target)
    {
        if (IsCopy) { source.CopyTo(target); return; }
        switch (Source)
        {
            case DataType.Int8: Convert(MemoryMarshal.Cast<byte, sbyte>(source), target); break;
            case DataType.UInt8: Convert(source, target); break;
            case DataType.Int16: Convert(MemoryMarshal.Cast<byte, short>(source), target); break;
            case DataType.UInt16: Convert(MemoryMarshal.Cast<byte, ushort>(source), target); break;
            case DataType.Int32: Convert(MemoryMarshal.Cast<byte, int>(source), target); break;
            case DataType.UInt32: Convert(MemoryMarshal.Cast<byte, uint>(source), target); break;
            case DataType.Int64: Convert(MemoryMarshal.Cast<byte, long>(source), target); break;
            case DataType.UInt64: Convert(MemoryMarshal.Cast<byte, ulong>(source), target); break;
            case DataType.Float32: Convert(MemoryMarshal.Cast<byte, float>(source), target); break;
            case DataType.Float64: Convert(MemoryMarshal.Cast<byte, double>(source), target); break;
            default: throw new NotSupportedException($"cannot convert {Source} to {Target}");
        }
    }

    private void Convert<T>(ReadOnlySpan<T> source, Span<byte> target) where T : unmanaged, INumberBase<T>
    {
        if (Unpacking is { } u)
        {
            var dst = MemoryMarshal.Cast<byte, float>(target);
            var fills = u.FillValues.AsSpan();
            for (int i = 0; i < source.Length; i++)
            {
                double raw = double.CreateTruncating(source[i]);
                bool missing = double.IsNaN(raw);
                foreach (var f in fills) missing |= raw == f;
                dst[i] = missing ? float.NaN : (float)(raw * u.ScaleFactor + u.AddOffset);
            }

            return;
        }

        switch (Target)
        {
            case DataType.Float64:
            {
                var dst = MemoryMarshal.Cast<byte, double>(target);
                for (int i = 0; i < source.Length; i++) dst[i] = double.CreateTruncating(source[i]) * Scale + Offset;
                break;
            }

            case DataType.Float32:
            {
                var dst = MemoryMarshal.Cast<byte, float>(target);
                for (int i = 0; i < source.Length; i++) dst[i] = (float)(double.CreateTruncating(source[i]) * Scale + Offset);
                break;
            }

            case DataType.Int64:
            {
                var dst = MemoryMarshal.Cast<byte, long>(target);
                for (int i = 0; i < source.Length; i++) dst[i] = (long)Math.Round(double.CreateTruncating(source[i]) * Scale + Offset);
                break;
            }

            default:
                throw new NotSupportedException($"cannot convert {Source} to {Target}");
        }
    }
}
