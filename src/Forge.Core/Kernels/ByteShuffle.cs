using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Forge.Core.Kernels;

/// <summary>
/// The blosc/HDF5 byte shuffle: for n elements of size T, byte j of element i moves to <c>j*n + i</c>; the
/// <c>length % T</c> trailing bytes are copied unchanged. 4-byte elements (float32, the common case) take the
/// widest available vector path (AVX-512BW, AVX2, SSSE3); 2- and 8-byte elements (int16, float64) take SSSE3;
/// other sizes and the tail run scalar.
/// </summary>
public static class ByteShuffle
{
    /// <summary>Tests set this to compare the vector paths against the scalar reference.</summary>
    internal static bool ForceScalar { get; set; }

    /// <summary>Shuffles <paramref name="src"/> into <paramref name="dst"/> (same length, must not overlap).</summary>
    public static void Shuffle(ReadOnlySpan<byte> src, Span<byte> dst, int elementSize)
    {
        Validate(src, dst, elementSize);
        var n = src.Length / elementSize;
        var done = 0;
        if (!ForceScalar)
        {
            done = elementSize switch
            {
                2 => Shuffle2Vector(src, dst, n),
                4 => Shuffle4Vector(src, dst, n),
                8 => Shuffle8Vector(src, dst, n),
                _ => 0,
            };
        }

        ShuffleScalar(src, dst, elementSize, n, done);
        src[(n * elementSize)..].CopyTo(dst[(n * elementSize)..src.Length]);
    }

    /// <summary>Inverse of <see cref="Shuffle"/>.</summary>
    public static void Unshuffle(ReadOnlySpan<byte> src, Span<byte> dst, int elementSize)
    {
        Validate(src, dst, elementSize);
        var n = src.Length / elementSize;
        var done = 0;
        if (!ForceScalar)
        {
            done = elementSize switch
            {
                2 => Unshuffle2Vector(src, dst, n),
                4 => Unshuffle4Vector(src, dst, n),
                8 => Unshuffle8Vector(src, dst, n),
                _ => 0,
            };
        }

        UnshuffleScalar(src, dst, elementSize, n, done);
        src[(n * elementSize)..].CopyTo(dst[(n * elementSize)..src.Length]);
    }

    private static void Validate(ReadOnlySpan<byte> src, Span<byte> dst, int elementSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elementSize, 1);
        if (dst.Length < src.Length) throw new ArgumentException("destination is shorter than source", nameof(dst));
    }

    private static void ShuffleScalar(ReadOnlySpan<byte> src, Span<byte> dst, int t, int n, int from)
    {
        for (var j = 0; j < t; j++)
        {
            var plane = dst.Slice(j * n, n);
            for (var i = from; i < n; i++) plane[i] = src[i * t + j];
        }
    }

    private static void UnshuffleScalar(ReadOnlySpan<byte> src, Span<byte> dst, int t, int n, int from)
    {
        for (var j = 0; j < t; j++)
        {
            var plane = src.Slice(j * n, n);
            for (var i = from; i < n; i++) dst[i * t + j] = plane[i];
        }
    }

    // Groups byte j of four consecutive 4-byte elements into 32-bit lane j (a 4x4 byte transpose; its own inverse).
    private static Vector128<byte> GatherMask128 => Vector128.Create((byte)0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);

    private static unsafe int Shuffle4Vector(ReadOnlySpan<byte> src, Span<byte> dst, int n)
    {
        var i = 0;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            if (Avx512BW.IsSupported)
            {
                var mask = Vector512.Create(Vector256.Create(GatherMask128, GatherMask128), Vector256.Create(GatherMask128, GatherMask128));
                var perm = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15).AsUInt32();
                for (; i + 64 <= n; i += 64)
                {
                    var p = s + i * 4;
                    var v0 = Avx512BW.Shuffle(Vector512.Load(p), mask).AsUInt32();
                    var v1 = Avx512BW.Shuffle(Vector512.Load(p + 64), mask).AsUInt32();
                    var v2 = Avx512BW.Shuffle(Vector512.Load(p + 128), mask).AsUInt32();
                    var v3 = Avx512BW.Shuffle(Vector512.Load(p + 192), mask).AsUInt32();
                    Transpose4x4(ref v0, ref v1, ref v2, ref v3);
                    Avx512F.PermuteVar16x32(v0, perm).AsByte().Store(d + i);
                    Avx512F.PermuteVar16x32(v1, perm).AsByte().Store(d + n + i);
                    Avx512F.PermuteVar16x32(v2, perm).AsByte().Store(d + 2 * n + i);
                    Avx512F.PermuteVar16x32(v3, perm).AsByte().Store(d + 3 * n + i);
                }
            }

            if (Avx2.IsSupported)
            {
                var mask = Vector256.Create(GatherMask128, GatherMask128);
                var perm = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7).AsUInt32();
                for (; i + 32 <= n; i += 32)
                {
                    var p = s + i * 4;
                    var v0 = Avx2.Shuffle(Vector256.Load(p), mask).AsUInt32();
                    var v1 = Avx2.Shuffle(Vector256.Load(p + 32), mask).AsUInt32();
                    var v2 = Avx2.Shuffle(Vector256.Load(p + 64), mask).AsUInt32();
                    var v3 = Avx2.Shuffle(Vector256.Load(p + 96), mask).AsUInt32();
                    Transpose4x4(ref v0, ref v1, ref v2, ref v3);
                    Avx2.PermuteVar8x32(v0, perm).AsByte().Store(d + i);
                    Avx2.PermuteVar8x32(v1, perm).AsByte().Store(d + n + i);
                    Avx2.PermuteVar8x32(v2, perm).AsByte().Store(d + 2 * n + i);
                    Avx2.PermuteVar8x32(v3, perm).AsByte().Store(d + 3 * n + i);
                }
            }

            if (Ssse3.IsSupported)
            {
                var mask = GatherMask128;
                for (; i + 16 <= n; i += 16)
                {
                    var p = s + i * 4;
                    var v0 = Ssse3.Shuffle(Vector128.Load(p), mask).AsUInt32();
                    var v1 = Ssse3.Shuffle(Vector128.Load(p + 16), mask).AsUInt32();
                    var v2 = Ssse3.Shuffle(Vector128.Load(p + 32), mask).AsUInt32();
                    var v3 = Ssse3.Shuffle(Vector128.Load(p + 48), mask).AsUInt32();
                    Transpose4x4(ref v0, ref v1, ref v2, ref v3);
                    v0.AsByte().Store(d + i);
                    v1.AsByte().Store(d + n + i);
                    v2.AsByte().Store(d + 2 * n + i);
                    v3.AsByte().Store(d + 3 * n + i);
                }
            }
        }

        return i;
    }

    private static unsafe int Unshuffle4Vector(ReadOnlySpan<byte> src, Span<byte> dst, int n)
    {
        var i = 0;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            if (Avx512BW.IsSupported)
            {
                var mask = Vector512.Create(Vector256.Create(GatherMask128, GatherMask128), Vector256.Create(GatherMask128, GatherMask128));
                // The 512-bit lane order permutation is a 4x4 transpose of indices, so it is its own inverse.
                var perm = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15).AsUInt32();
                for (; i + 64 <= n; i += 64)
                {
                    var v0 = Avx512F.PermuteVar16x32(Vector512.Load(s + i).AsUInt32(), perm);
                    var v1 = Avx512F.PermuteVar16x32(Vector512.Load(s + n + i).AsUInt32(), perm);
                    var v2 = Avx512F.PermuteVar16x32(Vector512.Load(s + 2 * n + i).AsUInt32(), perm);
                    var v3 = Avx512F.PermuteVar16x32(Vector512.Load(s + 3 * n + i).AsUInt32(), perm);
                    Transpose4x4(ref v0, ref v1, ref v2, ref v3);
                    var p = d + i * 4;
                    Avx512BW.Shuffle(v0.AsByte(), mask).Store(p);
                    Avx512BW.Shuffle(v1.AsByte(), mask).Store(p + 64);
                    Avx512BW.Shuffle(v2.AsByte(), mask).Store(p + 128);
                    Avx512BW.Shuffle(v3.AsByte(), mask).Store(p + 192);
                }
            }

            if (Avx2.IsSupported)
            {
                var mask = Vector256.Create(GatherMask128, GatherMask128);
                var perm = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7).AsUInt32();
                for (; i + 32 <= n; i += 32)
                {
                    var v0 = Avx2.PermuteVar8x32(Vector256.Load(s + i).AsUInt32(), perm);
                    var v1 = Avx2.PermuteVar8x32(Vector256.Load(s + n + i).AsUInt32(), perm);
                    var v2 = Avx2.PermuteVar8x32(Vector256.Load(s + 2 * n + i).AsUInt32(), perm);
                    var v3 = Avx2.PermuteVar8x32(Vector256.Load(s + 3 * n + i).AsUInt32(), perm);
                    Transpose4x4(ref v0, ref v1, ref v2, ref v3);
                    var p = d + i * 4;
                    Avx2.Shuffle(v0.AsByte(), mask).Store(p);
                    Avx2.Shuffle(v1.AsByte(), mask).Store(p + 32);
                    Avx2.Shuffle(v2.AsByte(), mask).Store(p + 64);
                    Avx2.Shuffle(v3.AsByte(), mask).Store(p + 96);
                }
            }

            if (Ssse3.IsSupported)
            {
                var mask = GatherMask128;
                for (; i + 16 <= n; i += 16)
                {
                    var v0 = Vector128.Load(s + i).AsUInt32();
                    var v1 = Vector128.Load(s + n + i).AsUInt32();
                    var v2 = Vector128.Load(s + 2 * n + i).AsUInt32();
                    var v3 = Vector128.Load(s + 3 * n + i).AsUInt32();
                    Transpose4x4(ref v0, ref v1, ref v2, ref v3);
                    var p = d + i * 4;
                    Ssse3.Shuffle(v0.AsByte(), mask).Store(p);
                    Ssse3.Shuffle(v1.AsByte(), mask).Store(p + 16);
                    Ssse3.Shuffle(v2.AsByte(), mask).Store(p + 32);
                    Ssse3.Shuffle(v3.AsByte(), mask).Store(p + 48);
                }
            }
        }

        return i;
    }

    // Splits 8 two-byte elements into their low bytes (first half) and high bytes (second half).
    private static Vector128<byte> Split2Mask => Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);

    private static Vector128<byte> Join2Mask => Vector128.Create((byte)0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);

    private static unsafe int Shuffle2Vector(ReadOnlySpan<byte> src, Span<byte> dst, int n)
    {
        var i = 0;
        if (!Ssse3.IsSupported) return 0;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            for (; i + 16 <= n; i += 16)
            {
                var v0 = Ssse3.Shuffle(Vector128.Load(s + i * 2), Split2Mask).AsUInt64();
                var v1 = Ssse3.Shuffle(Vector128.Load(s + i * 2 + 16), Split2Mask).AsUInt64();
                Sse2.UnpackLow(v0, v1).AsByte().Store(d + i);
                Sse2.UnpackHigh(v0, v1).AsByte().Store(d + n + i);
            }
        }

        return i;
    }

    private static unsafe int Unshuffle2Vector(ReadOnlySpan<byte> src, Span<byte> dst, int n)
    {
        var i = 0;
        if (!Ssse3.IsSupported) return 0;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            for (; i + 16 <= n; i += 16)
            {
                var p0 = Vector128.Load(s + i).AsUInt64();
                var p1 = Vector128.Load(s + n + i).AsUInt64();
                Ssse3.Shuffle(Sse2.UnpackLow(p0, p1).AsByte(), Join2Mask).Store(d + i * 2);
                Ssse3.Shuffle(Sse2.UnpackHigh(p0, p1).AsByte(), Join2Mask).Store(d + i * 2 + 16);
            }
        }

        return i;
    }

    // Interleaves two 8-byte elements byte by byte: 16-bit lane j = byte j of both (a 2x8 transpose; Join8Mask undoes it).
    private static Vector128<byte> Split8Mask => Vector128.Create((byte)0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);

    private static Vector128<byte> Join8Mask => Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);

    private static unsafe int Shuffle8Vector(ReadOnlySpan<byte> src, Span<byte> dst, int n)
    {
        var i = 0;
        if (!Ssse3.IsSupported) return 0;
        var v = stackalloc Vector128<ushort>[8];
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            for (; i + 16 <= n; i += 16)
            {
                for (var k = 0; k < 8; k++) v[k] = Ssse3.Shuffle(Vector128.Load(s + i * 8 + k * 16), Split8Mask).AsUInt16();
                Transpose8x8(v);
                for (var j = 0; j < 8; j++) v[j].AsByte().Store(d + j * n + i);
            }
        }

        return i;
    }

    private static unsafe int Unshuffle8Vector(ReadOnlySpan<byte> src, Span<byte> dst, int n)
    {
        var i = 0;
        if (!Ssse3.IsSupported) return 0;
        var v = stackalloc Vector128<ushort>[8];
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            for (; i + 16 <= n; i += 16)
            {
                for (var j = 0; j < 8; j++) v[j] = Vector128.Load(s + j * n + i).AsUInt16();
                Transpose8x8(v);
                for (var k = 0; k < 8; k++) Ssse3.Shuffle(v[k].AsByte(), Join8Mask).Store(d + i * 8 + k * 16);
            }
        }

        return i;
    }

    // 8x8 transpose of 16-bit lanes across eight vectors (unpack 16 → 32 → 64); its own inverse.
    private static unsafe void Transpose8x8(Vector128<ushort>* v)
    {
        var t0 = Sse2.UnpackLow(v[0], v[1]).AsUInt32();
        var t1 = Sse2.UnpackHigh(v[0], v[1]).AsUInt32();
        var t2 = Sse2.UnpackLow(v[2], v[3]).AsUInt32();
        var t3 = Sse2.UnpackHigh(v[2], v[3]).AsUInt32();
        var t4 = Sse2.UnpackLow(v[4], v[5]).AsUInt32();
        var t5 = Sse2.UnpackHigh(v[4], v[5]).AsUInt32();
        var t6 = Sse2.UnpackLow(v[6], v[7]).AsUInt32();
        var t7 = Sse2.UnpackHigh(v[6], v[7]).AsUInt32();
        var s0 = Sse2.UnpackLow(t0, t2).AsUInt64();
        var s1 = Sse2.UnpackHigh(t0, t2).AsUInt64();
        var s2 = Sse2.UnpackLow(t1, t3).AsUInt64();
        var s3 = Sse2.UnpackHigh(t1, t3).AsUInt64();
        var s4 = Sse2.UnpackLow(t4, t6).AsUInt64();
        var s5 = Sse2.UnpackHigh(t4, t6).AsUInt64();
        var s6 = Sse2.UnpackLow(t5, t7).AsUInt64();
        var s7 = Sse2.UnpackHigh(t5, t7).AsUInt64();
        v[0] = Sse2.UnpackLow(s0, s4).AsUInt16();
        v[1] = Sse2.UnpackHigh(s0, s4).AsUInt16();
        v[2] = Sse2.UnpackLow(s1, s5).AsUInt16();
        v[3] = Sse2.UnpackHigh(s1, s5).AsUInt16();
        v[4] = Sse2.UnpackLow(s2, s6).AsUInt16();
        v[5] = Sse2.UnpackHigh(s2, s6).AsUInt16();
        v[6] = Sse2.UnpackLow(s3, s7).AsUInt16();
        v[7] = Sse2.UnpackHigh(s3, s7).AsUInt16();
    }

    // 4x4 transpose of 32-bit lanes within each 128-bit lane (unpack works per 128-bit lane on every width).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(ref Vector128<uint> a, ref Vector128<uint> b, ref Vector128<uint> c, ref Vector128<uint> d)
    {
        var t0 = Sse2.UnpackLow(a, b).AsUInt64();
        var t1 = Sse2.UnpackHigh(a, b).AsUInt64();
        var t2 = Sse2.UnpackLow(c, d).AsUInt64();
        var t3 = Sse2.UnpackHigh(c, d).AsUInt64();
        a = Sse2.UnpackLow(t0, t2).AsUInt32();
        b = Sse2.UnpackHigh(t0, t2).AsUInt32();
        c = Sse2.UnpackLow(t1, t3).AsUInt32();
        d = Sse2.UnpackHigh(t1, t3).AsUInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c, ref Vector256<uint> d)
    {
        var t0 = Avx2.UnpackLow(a, b).AsUInt64();
        var t1 = Avx2.UnpackHigh(a, b).AsUInt64();
        var t2 = Avx2.UnpackLow(c, d).AsUInt64();
        var t3 = Avx2.UnpackHigh(c, d).AsUInt64();
        a = Avx2.UnpackLow(t0, t2).AsUInt32();
        b = Avx2.UnpackHigh(t0, t2).AsUInt32();
        c = Avx2.UnpackLow(t1, t3).AsUInt32();
        d = Avx2.UnpackHigh(t1, t3).AsUInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(ref Vector512<uint> a, ref Vector512<uint> b, ref Vector512<uint> c, ref Vector512<uint> d)
    {
        var t0 = Avx512F.UnpackLow(a, b).AsUInt64();
        var t1 = Avx512F.UnpackHigh(a, b).AsUInt64();
        var t2 = Avx512F.UnpackLow(c, d).AsUInt64();
        var t3 = Avx512F.UnpackHigh(c, d).AsUInt64();
        a = Avx512F.UnpackLow(t0, t2).AsUInt32();
        b = Avx512F.UnpackHigh(t0, t2).AsUInt32();
        c = Avx512F.UnpackLow(t1, t3).AsUInt32();
        d = Avx512F.UnpackHigh(t1, t3).AsUInt32();
    }
}
