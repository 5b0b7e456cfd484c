using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Forge.Core.Kernels;

/// <summary>
/// y = x·scale + offset in float64 (a multiply then an add, never fused, so every path rounds like the scalar
/// reference), stored as float32, float64 or rounded int64. The float32 form can mask: x that is NaN or equal to a
/// fill value becomes NaN (CF unpacking with _FillValue / missing_value). Widest vector first, scalar tail.
/// </summary>
public static class AffineMap
{
    /// <summary>dst[i] = (float)(x[i]·scale + offset), or NaN when <paramref name="mask"/> and x[i] is NaN or a fill.</summary>
    public static void ToSingle(ReadOnlySpan<double> x, Span<float> dst, double scale, double offset, ReadOnlySpan<double> fills, bool mask)
    {
        if (dst.Length < x.Length) throw new ArgumentException("destination is shorter than source", nameof(dst));
        ref var s = ref MemoryMarshal.GetReference(x);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(scale);
            var vo = Vector512.Create(offset);
            var nan = Vector512.Create(double.NaN);
            var step = (nuint)Vector512<float>.Count;
            for (; i + step <= n; i += step)
            {
                var lo = Vector512.LoadUnsafe(ref s, i);
                var hi = Vector512.LoadUnsafe(ref s, i + (nuint)Vector512<double>.Count);
                var ylo = (lo * vs) + vo;
                var yhi = (hi * vs) + vo;
                if (mask)
                {
                    ylo = Vector512.ConditionalSelect(Missing(lo, fills), nan, ylo);
                    yhi = Vector512.ConditionalSelect(Missing(hi, fills), nan, yhi);
                }

                Vector512.Narrow(ylo, yhi).StoreUnsafe(ref d, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(scale);
            var vo = Vector256.Create(offset);
            var nan = Vector256.Create(double.NaN);
            var step = (nuint)Vector256<float>.Count;
            for (; i + step <= n; i += step)
            {
                var lo = Vector256.LoadUnsafe(ref s, i);
                var hi = Vector256.LoadUnsafe(ref s, i + (nuint)Vector256<double>.Count);
                var ylo = (lo * vs) + vo;
                var yhi = (hi * vs) + vo;
                if (mask)
                {
                    ylo = Vector256.ConditionalSelect(Missing(lo, fills), nan, ylo);
                    yhi = Vector256.ConditionalSelect(Missing(hi, fills), nan, yhi);
                }

                Vector256.Narrow(ylo, yhi).StoreUnsafe(ref d, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var vs = Vector128.Create(scale);
            var vo = Vector128.Create(offset);
            var nan = Vector128.Create(double.NaN);
            var step = (nuint)Vector128<float>.Count;
            for (; i + step <= n; i += step)
            {
                var lo = Vector128.LoadUnsafe(ref s, i);
                var hi = Vector128.LoadUnsafe(ref s, i + (nuint)Vector128<double>.Count);
                var ylo = (lo * vs) + vo;
                var yhi = (hi * vs) + vo;
                if (mask)
                {
                    ylo = Vector128.ConditionalSelect(Missing(lo, fills), nan, ylo);
                    yhi = Vector128.ConditionalSelect(Missing(hi, fills), nan, yhi);
                }

                Vector128.Narrow(ylo, yhi).StoreUnsafe(ref d, i);
            }
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref s, i);
            Unsafe.Add(ref d, i) = mask && IsMissing(v, fills) ? float.NaN : (float)((v * scale) + offset);
        }
    }

    /// <summary>dst[i] = x[i]·scale + offset (in place when the spans are the same memory).</summary>
    public static void ToDouble(ReadOnlySpan<double> x, Span<double> dst, double scale, double offset)
    {
        if (dst.Length < x.Length) throw new ArgumentException("destination is shorter than source", nameof(dst));
        ref var s = ref MemoryMarshal.GetReference(x);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> vs = Vector512.Create(scale), vo = Vector512.Create(offset);
            for (; i + (nuint)Vector512<double>.Count <= n; i += (nuint)Vector512<double>.Count)
                ((Vector512.LoadUnsafe(ref s, i) * vs) + vo).StoreUnsafe(ref d, i);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> vs = Vector256.Create(scale), vo = Vector256.Create(offset);
            for (; i + (nuint)Vector256<double>.Count <= n; i += (nuint)Vector256<double>.Count)
                ((Vector256.LoadUnsafe(ref s, i) * vs) + vo).StoreUnsafe(ref d, i);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<double> vs = Vector128.Create(scale), vo = Vector128.Create(offset);
            for (; i + (nuint)Vector128<double>.Count <= n; i += (nuint)Vector128<double>.Count)
                ((Vector128.LoadUnsafe(ref s, i) * vs) + vo).StoreUnsafe(ref d, i);
        }

        for (; i < n; i++) Unsafe.Add(ref d, i) = (Unsafe.Add(ref s, i) * scale) + offset;
    }

    /// <summary>dst[i] = (long)Math.Round(x[i]·scale + offset): nearest, ties to even, saturating like the C# cast.</summary>
    public static void ToInt64Rounded(ReadOnlySpan<double> x, Span<long> dst, double scale, double offset)
    {
        if (dst.Length < x.Length) throw new ArgumentException("destination is shorter than source", nameof(dst));
        ref var s = ref MemoryMarshal.GetReference(x);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> vs = Vector512.Create(scale), vo = Vector512.Create(offset);
            for (; i + (nuint)Vector512<double>.Count <= n; i += (nuint)Vector512<double>.Count)
                Vector512.ConvertToInt64(Vector512.Round((Vector512.LoadUnsafe(ref s, i) * vs) + vo)).StoreUnsafe(ref d, i);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> vs = Vector256.Create(scale), vo = Vector256.Create(offset);
            for (; i + (nuint)Vector256<double>.Count <= n; i += (nuint)Vector256<double>.Count)
                Vector256.ConvertToInt64(Vector256.Round((Vector256.LoadUnsafe(ref s, i) * vs) + vo)).StoreUnsafe(ref d, i);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<double> vs = Vector128.Create(scale), vo = Vector128.Create(offset);
            for (; i + (nuint)Vector128<double>.Count <= n; i += (nuint)Vector128<double>.Count)
                Vector128.ConvertToInt64(Vector128.Round((Vector128.LoadUnsafe(ref s, i) * vs) + vo)).StoreUnsafe(ref d, i);
        }

        for (; i < n; i++) Unsafe.Add(ref d, i) = (long)Math.Round((Unsafe.Add(ref s, i) * scale) + offset);
    }

    internal static bool IsMissing(double v, ReadOnlySpan<double> fills)
    {
        var missing = double.IsNaN(v);
        foreach (var f in fills) missing |= v == f;
        return missing;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Missing(Vector512<double> v, ReadOnlySpan<double> fills)
    {
        var m = ~Vector512.Equals(v, v);
        foreach (var f in fills) m |= Vector512.Equals(v, Vector512.Create(f));
        return m;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Missing(Vector256<double> v, ReadOnlySpan<double> fills)
    {
        var m = ~Vector256.Equals(v, v);
        foreach (var f in fills) m |= Vector256.Equals(v, Vector256.Create(f));
        return m;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Missing(Vector128<double> v, ReadOnlySpan<double> fills)
    {
        var m = ~Vector128.Equals(v, v);
        foreach (var f in fills) m |= Vector128.Equals(v, Vector128.Create(f));
        return m;
    }
}
