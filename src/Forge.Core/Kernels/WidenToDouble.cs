using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Forge.Core.Kernels;

/// <summary>
/// Converts numeric elements to float64 exactly as a scalar C# cast does: widest vector first (512, 256, 128 bits),
/// then a scalar tail. 8- and 16-bit integers go through float32, which holds them exactly; 32- and 64-bit integers
/// through the runtime's correctly rounded 64-bit conversions.
/// </summary>
public static class WidenToDouble
{
    public static void Convert(ReadOnlySpan<double> src, Span<double> dst) => src.CopyTo(dst);

    public static void Convert(ReadOnlySpan<float> src, Span<double> dst)
    {
        Check(src.Length, dst.Length);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
                Store(Vector512.Widen(Vector512.LoadUnsafe(ref s, i)), ref d, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
                Store(Vector256.Widen(Vector256.LoadUnsafe(ref s, i)), ref d, i);
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
                Store(Vector128.Widen(Vector128.LoadUnsafe(ref s, i)), ref d, i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }

    public static void Convert(ReadOnlySpan<short> src, Span<double> dst)
    {
        Check(src.Length, dst.Length);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<short>.Count <= n; i += (nuint)Vector512<short>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i));
                StoreInt32(lo, ref d, i);
                StoreInt32(hi, ref d, i + (nuint)Vector512<int>.Count);
            }

        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<short>.Count <= n; i += (nuint)Vector256<short>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                StoreInt32(lo, ref d, i);
                StoreInt32(hi, ref d, i + (nuint)Vector256<int>.Count);
            }

        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<short>.Count <= n; i += (nuint)Vector128<short>.Count)
            {
                var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref s, i));
                StoreInt32(lo, ref d, i);
                StoreInt32(hi, ref d, i + (nuint)Vector128<int>.Count);
            }

        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }

    public static void Convert(ReadOnlySpan<ushort> src, Span<double> dst)
    {
        Check(src.Length, dst.Length);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<ushort>.Count <= n; i += (nuint)Vector512<ushort>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i));
                StoreInt32(lo.AsInt32(), ref d, i);
                StoreInt32(hi.AsInt32(), ref d, i + (nuint)Vector512<int>.Count);
            }

        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<ushort>.Count <= n; i += (nuint)Vector256<ushort>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                StoreInt32(lo.AsInt32(), ref d, i);
                StoreInt32(hi.AsInt32(), ref d, i + (nuint)Vector256<int>.Count);
            }

        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<ushort>.Count <= n; i += (nuint)Vector128<ushort>.Count)
            {
                var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref s, i));
                StoreInt32(lo.AsInt32(), ref d, i);
                StoreInt32(hi.AsInt32(), ref d, i + (nuint)Vector128<int>.Count);
            }

        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }

    public static void Convert(ReadOnlySpan<sbyte> src, Span<double> dst)
    {
        Check(src.Length, dst.Length);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<sbyte>.Count <= n; i += (nuint)Vector512<sbyte>.Count)
            {
                var (a, b) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i));
                StoreInt16(a, ref d, i);
                StoreInt16(b, ref d, i + (nuint)Vector512<short>.Count);
            }

        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<sbyte>.Count <= n; i += (nuint)Vector256<sbyte>.Count)
            {
                var (a, b) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                StoreInt16(a, ref d, i);
                StoreInt16(b, ref d, i + (nuint)Vector256<short>.Count);
            }

        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<sbyte>.Count <= n; i += (nuint)Vector128<sbyte>.Count)
            {
                var (a, b) = Vector128.Widen(Vector128.LoadUnsafe(ref s, i));
                StoreInt16(a, ref d, i);
                StoreInt16(b, ref d, i + (nuint)Vector128<short>.Count);
            }

        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }

    public static void Convert(ReadOnlySpan<byte> src, Span<double> dst)
    {
        Check(src.Length, dst.Length);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<byte>.Count <= n; i += (nuint)Vector512<byte>.Count)
            {
                var (a, b) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i));
                StoreInt16(a.AsInt16(), ref d, i);
                StoreInt16(b.AsInt16(), ref d, i + (nuint)Vector512<short>.Count);
            }

        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<byte>.Count <= n; i += (nuint)Vector256<byte>.Count)
            {
                var (a, b) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                StoreInt16(a.AsInt16(), ref d, i);
                StoreInt16(b.AsInt16(), ref d, i + (nuint)Vector256<short>.Count);
            }

        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<byte>.Count <= n; i += (nuint)Vector128<byte>.Count)
            {
                var (a, b) = Vector128.Widen(Vector128.LoadUnsafe(ref s, i));
                StoreInt16(a.AsInt16(), ref d, i);
                StoreInt16(b.AsInt16(), ref d, i + (nuint)Vector128<short>.Count);
            }

        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }

    public static void Convert(ReadOnlySpan<int> src, Span<double> dst)
    {
        Check(src.Length, dst.Length);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<int>.Count <= n; i += (nuint)Vector512<int>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i));
                Vector512.ConvertToDouble(lo).StoreUnsafe(ref d, i);
                Vector512.ConvertToDouble(hi).StoreUnsafe(ref d, i + (nuint)Vector512<long>.Count);
            }

        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<int>.Count <= n; i += (nuint)Vector256<int>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                Vector256.ConvertToDouble(lo).StoreUnsafe(ref d, i);
                Vector256.ConvertToDouble(hi).StoreUnsafe(ref d, i + (nuint)Vector256<long>.Count);
            }

        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<int>.Count <= n; i += (nuint)Vector128<int>.Count)
            {
                var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref s, i));
                Vector128.ConvertToDouble(lo).StoreUnsafe(ref d, i);
                Vector128.ConvertToDouble(hi).StoreUnsafe(ref d, i + (nuint)Vector128<long>.Count);
            }

        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }

    public static void Convert(ReadOnlySpan<uint> src, Span<double> dst)
    {
        Check(src.Length, dst.Length);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<uint>.Count <= n; i += (nuint)Vector512<uint>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i));
                Vector512.ConvertToDouble(lo.AsInt64()).StoreUnsafe(ref d, i);
                Vector512.ConvertToDouble(hi.AsInt64()).StoreUnsafe(ref d, i + (nuint)Vector512<long>.Count);
            }

        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<uint>.Count <= n; i += (nuint)Vector256<uint>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                Vector256.ConvertToDouble(lo.AsInt64()).StoreUnsafe(ref d, i);
                Vector256.ConvertToDouble(hi.AsInt64()).StoreUnsafe(ref d, i + (nuint)Vector256<long>.Count);
            }

        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<uint>.Count <= n; i += (nuint)Vector128<uint>.Count)
            {
                var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref s, i));
                Vector128.ConvertToDouble(lo.AsInt64()).StoreUnsafe(ref d, i);
                Vector128.ConvertToDouble(hi.AsInt64()).StoreUnsafe(ref d, i + (nuint)Vector128<long>.Count);
            }

        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }

    public static void Convert(ReadOnlySpan<long> src, Span<double> dst)
    {
        Check(src.Length, dst.Length);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<long>.Count <= n; i += (nuint)Vector512<long>.Count)
                Vector512.ConvertToDouble(Vector512.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<long>.Count <= n; i += (nuint)Vector256<long>.Count)
                Vector256.ConvertToDouble(Vector256.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<long>.Count <= n; i += (nuint)Vector128<long>.Count)
                Vector128.ConvertToDouble(Vector128.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }

    public static void Convert(ReadOnlySpan<ulong> src, Span<double> dst)
    {
        Check(src.Length, dst.Length);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<ulong>.Count <= n; i += (nuint)Vector512<ulong>.Count)
                Vector512.ConvertToDouble(Vector512.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<ulong>.Count <= n; i += (nuint)Vector256<ulong>.Count)
                Vector256.ConvertToDouble(Vector256.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<ulong>.Count <= n; i += (nuint)Vector128<ulong>.Count)
                Vector128.ConvertToDouble(Vector128.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }

    private static void Check(int source, int destination)
    {
        if (destination < source) throw new ArgumentException("destination is shorter than source", nameof(destination));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store((Vector512<double> Lo, Vector512<double> Hi) v, ref double d, nuint i)
    {
        v.Lo.StoreUnsafe(ref d, i);
        v.Hi.StoreUnsafe(ref d, i + (nuint)Vector512<double>.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store((Vector256<double> Lo, Vector256<double> Hi) v, ref double d, nuint i)
    {
        v.Lo.StoreUnsafe(ref d, i);
        v.Hi.StoreUnsafe(ref d, i + (nuint)Vector256<double>.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store((Vector128<double> Lo, Vector128<double> Hi) v, ref double d, nuint i)
    {
        v.Lo.StoreUnsafe(ref d, i);
        v.Hi.StoreUnsafe(ref d, i + (nuint)Vector128<double>.Count);
    }

    // Integers of at most 16 bits are exact in float32, so int32 → float32 → float64 is an exact path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInt32(Vector512<int> v, ref double d, nuint i) => Store(Vector512.Widen(Vector512.ConvertToSingle(v)), ref d, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInt32(Vector256<int> v, ref double d, nuint i) => Store(Vector256.Widen(Vector256.ConvertToSingle(v)), ref d, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInt32(Vector128<int> v, ref double d, nuint i) => Store(Vector128.Widen(Vector128.ConvertToSingle(v)), ref d, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInt16(Vector512<short> v, ref double d, nuint i)
    {
        var (lo, hi) = Vector512.Widen(v);
        StoreInt32(lo, ref d, i);
        StoreInt32(hi, ref d, i + (nuint)Vector512<int>.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInt16(Vector256<short> v, ref double d, nuint i)
    {
        var (lo, hi) = Vector256.Widen(v);
        StoreInt32(lo, ref d, i);
        StoreInt32(hi, ref d, i + (nuint)Vector256<int>.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInt16(Vector128<short> v, ref double d, nuint i)
    {
        var (lo, hi) = Vector128.Widen(v);
        StoreInt32(lo, ref d, i);
        StoreInt32(hi, ref d, i + (nuint)Vector128<int>.Count);
    }
}
