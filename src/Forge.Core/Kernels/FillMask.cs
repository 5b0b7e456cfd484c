using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Forge.Core.Kernels;

/// <summary>
/// Float32 fill masking without scaling (decode_cf of a float variable that has _FillValue / missing_value but no
/// scale_factor / add_offset): NaN and fill values become NaN, everything else x + 0 (so −0 becomes +0, exactly as
/// the float64 route x·1 + 0 rounds). Works in float32 lanes, twice as wide as the general float64 route.
/// </summary>
public static class FillMask
{
    /// <param name="fills">Fill values that are exactly representable as float32 (others can never match a float32).</param>
    public static void ToNaN(ReadOnlySpan<float> src, Span<float> dst, ReadOnlySpan<float> fills)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination is shorter than source", nameof(dst));
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var nan = Vector512.Create(float.NaN);
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
            {
                var v = Vector512.LoadUnsafe(ref s, i);
                var m = ~Vector512.Equals(v, v);
                foreach (var f in fills) m |= Vector512.Equals(v, Vector512.Create(f));
                Vector512.ConditionalSelect(m, nan, v + Vector512<float>.Zero).StoreUnsafe(ref d, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var nan = Vector256.Create(float.NaN);
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref s, i);
                var m = ~Vector256.Equals(v, v);
                foreach (var f in fills) m |= Vector256.Equals(v, Vector256.Create(f));
                Vector256.ConditionalSelect(m, nan, v + Vector256<float>.Zero).StoreUnsafe(ref d, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var nan = Vector128.Create(float.NaN);
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
            {
                var v = Vector128.LoadUnsafe(ref s, i);
                var m = ~Vector128.Equals(v, v);
                foreach (var f in fills) m |= Vector128.Equals(v, Vector128.Create(f));
                Vector128.ConditionalSelect(m, nan, v + Vector128<float>.Zero).StoreUnsafe(ref d, i);
            }
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref s, i);
            var missing = float.IsNaN(v);
            foreach (var f in fills) missing |= v == f;
            Unsafe.Add(ref d, i) = missing ? float.NaN : v + 0f;
        }
    }

    /// <summary>True when every element is NaN (any payload).</summary>
    public static bool AllNaN(ReadOnlySpan<float> values)
    {
        ref var s = ref MemoryMarshal.GetReference(values);
        nuint n = (nuint)values.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
            {
                var v = Vector512.LoadUnsafe(ref s, i);
                if (Vector512.EqualsAny(v, v)) return false;
            }

        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref s, i);
                if (Vector256.EqualsAny(v, v)) return false;
            }

        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
            {
                var v = Vector128.LoadUnsafe(ref s, i);
                if (Vector128.EqualsAny(v, v)) return false;
            }

        for (; i < n; i++)
            if (!float.IsNaN(Unsafe.Add(ref s, i))) return false;
        return true;
    }

    /// <summary>True when every element is NaN (any payload).</summary>
    public static bool AllNaN(ReadOnlySpan<double> values)
    {
        ref var s = ref MemoryMarshal.GetReference(values);
        nuint n = (nuint)values.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<double>.Count <= n; i += (nuint)Vector512<double>.Count)
            {
                var v = Vector512.LoadUnsafe(ref s, i);
                if (Vector512.EqualsAny(v, v)) return false;
            }

        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<double>.Count <= n; i += (nuint)Vector256<double>.Count)
            {
                var v = Vector256.LoadUnsafe(ref s, i);
                if (Vector256.EqualsAny(v, v)) return false;
            }

        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<double>.Count <= n; i += (nuint)Vector128<double>.Count)
            {
                var v = Vector128.LoadUnsafe(ref s, i);
                if (Vector128.EqualsAny(v, v)) return false;
            }

        for (; i < n; i++)
            if (!double.IsNaN(Unsafe.Add(ref s, i))) return false;
        return true;
    }
}
