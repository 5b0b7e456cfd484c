using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Forge.Formats.Kernels;

/// <summary>
/// Undoes HDF5's (and blosc's) byte shuffle: the input holds byte 0 of every element, then byte 1 of every element,
/// and so on; trailing bytes that do not fill an element are stored as-is. Element sizes 2, 4 and 8 use an
/// unpack-cascade kernel (AVX2 Vector256, then SSE2/AdvSimd Vector128) with a scalar tail; other sizes are scalar.
/// Vector512 is not used: its per-lane unpacks need a cross-lane fix-up this kernel does not implement yet.
/// </summary>
public static class ByteUnshuffle
{
    /// <summary>Widest vector the kernel may use (256, 128, or 0 for scalar); tests lower it to exercise each path.</summary>
    internal static int MaxVectorBits { get; set; } = 256;

    public static void Unshuffle(ReadOnlySpan<byte> source, Span<byte> destination, int elementSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elementSize, 1);
        if (destination.Length < source.Length) throw new ArgumentException("destination is shorter than source", nameof(destination));
        var count = source.Length / elementSize;
        var body = count * elementSize;
        source[body..].CopyTo(destination[body..]);
        if (elementSize == 1 || count < 2)
        {
            source[..body].CopyTo(destination);
            return;
        }

        var done = 0;
        if (MaxVectorBits >= 128)
        {
            done = elementSize switch
            {
                2 => Vector2(source, destination, count),
                4 => Vector4(source, destination, count),
                8 => Vector8(source, destination, count),
                _ => 0,
            };
        }

        Scalar(source, destination, count, elementSize, done);
    }

    /// <summary>Elements [<paramref name="first"/>, count) one byte at a time.</summary>
    private static void Scalar(ReadOnlySpan<byte> source, Span<byte> destination, int count, int elementSize, int first)
    {
        for (var k = 0; k < elementSize; k++)
        {
            var stream = source.Slice(k * count, count);
            for (var i = first; i < count; i++) destination[(i * elementSize) + k] = stream[i];
        }
    }

    private static int Vector2(ReadOnlySpan<byte> source, Span<byte> destination, int count)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (Avx2.IsSupported && MaxVectorBits >= 256)
        {
            for (; i + 32 <= count; i += 32)
            {
                var s0 = Load256(ref src, i);
                var s1 = Load256(ref src, count + i);
                var a0 = Avx2.UnpackLow(s0, s1);
                var a1 = Avx2.UnpackHigh(s0, s1);
                Store256(ref dst, 2 * i, Avx2.Permute2x128(a0, a1, 0x20));
                Store256(ref dst, (2 * i) + 32, Avx2.Permute2x128(a0, a1, 0x31));
            }
        }

        if (Sse2.IsSupported || AdvSimd.Arm64.IsSupported)
        {
            for (; i + 16 <= count; i += 16)
            {
                var s0 = Load128(ref src, i);
                var s1 = Load128(ref src, count + i);
                Store128(ref dst, 2 * i, Lo8(s0, s1));
                Store128(ref dst, (2 * i) + 16, Hi8(s0, s1));
            }
        }

        return i;
    }

    private static int Vector4(ReadOnlySpan<byte> source, Span<byte> destination, int count)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (Avx2.IsSupported && MaxVectorBits >= 256)
        {
            for (; i + 32 <= count; i += 32)
            {
                var s0 = Load256(ref src, i);
                var s1 = Load256(ref src, count + i);
                var s2 = Load256(ref src, (2 * count) + i);
                var s3 = Load256(ref src, (3 * count) + i);
                var a0 = Avx2.UnpackLow(s0, s1);
                var a1 = Avx2.UnpackHigh(s0, s1);
                var a2 = Avx2.UnpackLow(s2, s3);
                var a3 = Avx2.UnpackHigh(s2, s3);
                var b0 = Avx2.UnpackLow(a0.AsUInt16(), a2.AsUInt16()).AsByte();
                var b1 = Avx2.UnpackHigh(a0.AsUInt16(), a2.AsUInt16()).AsByte();
                var b2 = Avx2.UnpackLow(a1.AsUInt16(), a3.AsUInt16()).AsByte();
                var b3 = Avx2.UnpackHigh(a1.AsUInt16(), a3.AsUInt16()).AsByte();
                var o = 4 * i;
                Store256(ref dst, o, Avx2.Permute2x128(b0, b1, 0x20));
                Store256(ref dst, o + 32, Avx2.Permute2x128(b2, b3, 0x20));
                Store256(ref dst, o + 64, Avx2.Permute2x128(b0, b1, 0x31));
                Store256(ref dst, o + 96, Avx2.Permute2x128(b2, b3, 0x31));
            }
        }

        if (Sse2.IsSupported || AdvSimd.Arm64.IsSupported)
        {
            for (; i + 16 <= count; i += 16)
            {
                var s0 = Load128(ref src, i);
                var s1 = Load128(ref src, count + i);
                var s2 = Load128(ref src, (2 * count) + i);
                var s3 = Load128(ref src, (3 * count) + i);
                var a0 = Lo8(s0, s1);
                var a1 = Hi8(s0, s1);
                var a2 = Lo8(s2, s3);
                var a3 = Hi8(s2, s3);
                var o = 4 * i;
                Store128(ref dst, o, Lo16(a0, a2));
                Store128(ref dst, o + 16, Hi16(a0, a2));
                Store128(ref dst, o + 32, Lo16(a1, a3));
                Store128(ref dst, o + 48, Hi16(a1, a3));
            }
        }

        return i;
    }

    private static int Vector8(ReadOnlySpan<byte> source, Span<byte> destination, int count)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (Avx2.IsSupported && MaxVectorBits >= 256)
        {
            Span<Vector256<byte>> s = stackalloc Vector256<byte>[8];
            for (; i + 32 <= count; i += 32)
            {
                for (var k = 0; k < 8; k++) s[k] = Load256(ref src, (k * count) + i);
                var a0 = Avx2.UnpackLow(s[0], s[1]);
                var a1 = Avx2.UnpackHigh(s[0], s[1]);
                var a2 = Avx2.UnpackLow(s[2], s[3]);
                var a3 = Avx2.UnpackHigh(s[2], s[3]);
                var a4 = Avx2.UnpackLow(s[4], s[5]);
                var a5 = Avx2.UnpackHigh(s[4], s[5]);
                var a6 = Avx2.UnpackLow(s[6], s[7]);
                var a7 = Avx2.UnpackHigh(s[6], s[7]);
                var b0 = Avx2.UnpackLow(a0.AsUInt16(), a2.AsUInt16());
                var b1 = Avx2.UnpackHigh(a0.AsUInt16(), a2.AsUInt16());
                var b2 = Avx2.UnpackLow(a1.AsUInt16(), a3.AsUInt16());
                var b3 = Avx2.UnpackHigh(a1.AsUInt16(), a3.AsUInt16());
                var b4 = Avx2.UnpackLow(a4.AsUInt16(), a6.AsUInt16());
                var b5 = Avx2.UnpackHigh(a4.AsUInt16(), a6.AsUInt16());
                var b6 = Avx2.UnpackLow(a5.AsUInt16(), a7.AsUInt16());
                var b7 = Avx2.UnpackHigh(a5.AsUInt16(), a7.AsUInt16());
                var c0 = Avx2.UnpackLow(b0.AsUInt32(), b4.AsUInt32()).AsByte();
                var c1 = Avx2.UnpackHigh(b0.AsUInt32(), b4.AsUInt32()).AsByte();
                var c2 = Avx2.UnpackLow(b1.AsUInt32(), b5.AsUInt32()).AsByte();
                var c3 = Avx2.UnpackHigh(b1.AsUInt32(), b5.AsUInt32()).AsByte();
                var c4 = Avx2.UnpackLow(b2.AsUInt32(), b6.AsUInt32()).AsByte();
                var c5 = Avx2.UnpackHigh(b2.AsUInt32(), b6.AsUInt32()).AsByte();
                var c6 = Avx2.UnpackLow(b3.AsUInt32(), b7.AsUInt32()).AsByte();
                var c7 = Avx2.UnpackHigh(b3.AsUInt32(), b7.AsUInt32()).AsByte();
                var o = 8 * i;
                Store256(ref dst, o, Avx2.Permute2x128(c0, c1, 0x20));
                Store256(ref dst, o + 32, Avx2.Permute2x128(c2, c3, 0x20));
                Store256(ref dst, o + 64, Avx2.Permute2x128(c4, c5, 0x20));
                Store256(ref dst, o + 96, Avx2.Permute2x128(c6, c7, 0x20));
                Store256(ref dst, o + 128, Avx2.Permute2x128(c0, c1, 0x31));
                Store256(ref dst, o + 160, Avx2.Permute2x128(c2, c3, 0x31));
                Store256(ref dst, o + 192, Avx2.Permute2x128(c4, c5, 0x31));
                Store256(ref dst, o + 224, Avx2.Permute2x128(c6, c7, 0x31));
            }
        }

        if (Sse2.IsSupported || AdvSimd.Arm64.IsSupported)
        {
            for (; i + 16 <= count; i += 16)
            {
                var a0 = Lo8(Load128(ref src, i), Load128(ref src, count + i));
                var a1 = Hi8(Load128(ref src, i), Load128(ref src, count + i));
                var a2 = Lo8(Load128(ref src, (2 * count) + i), Load128(ref src, (3 * count) + i));
                var a3 = Hi8(Load128(ref src, (2 * count) + i), Load128(ref src, (3 * count) + i));
                var a4 = Lo8(Load128(ref src, (4 * count) + i), Load128(ref src, (5 * count) + i));
                var a5 = Hi8(Load128(ref src, (4 * count) + i), Load128(ref src, (5 * count) + i));
                var a6 = Lo8(Load128(ref src, (6 * count) + i), Load128(ref src, (7 * count) + i));
                var a7 = Hi8(Load128(ref src, (6 * count) + i), Load128(ref src, (7 * count) + i));
                var b0 = Lo16(a0, a2);
                var b1 = Hi16(a0, a2);
                var b2 = Lo16(a1, a3);
                var b3 = Hi16(a1, a3);
                var b4 = Lo16(a4, a6);
                var b5 = Hi16(a4, a6);
                var b6 = Lo16(a5, a7);
                var b7 = Hi16(a5, a7);
                var o = 8 * i;
                Store128(ref dst, o, Lo32(b0, b4));
                Store128(ref dst, o + 16, Hi32(b0, b4));
                Store128(ref dst, o + 32, Lo32(b1, b5));
                Store128(ref dst, o + 48, Hi32(b1, b5));
                Store128(ref dst, o + 64, Lo32(b2, b6));
                Store128(ref dst, o + 80, Hi32(b2, b6));
                Store128(ref dst, o + 96, Lo32(b3, b7));
                Store128(ref dst, o + 112, Hi32(b3, b7));
            }
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Load256(ref byte src, int offset) => Vector256.LoadUnsafe(ref src, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(ref byte dst, int offset, Vector256<byte> value) => value.StoreUnsafe(ref dst, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Load128(ref byte src, int offset) => Vector128.LoadUnsafe(ref src, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store128(ref byte dst, int offset, Vector128<byte> value) => value.StoreUnsafe(ref dst, (nuint)offset);

    // Interleave the low/high halves of two vectors at 8/16/32-bit granularity (x86 unpack, arm64 zip).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Lo8(Vector128<byte> a, Vector128<byte> b) => Sse2.IsSupported ? Sse2.UnpackLow(a, b) : AdvSimd.Arm64.ZipLow(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Hi8(Vector128<byte> a, Vector128<byte> b) => Sse2.IsSupported ? Sse2.UnpackHigh(a, b) : AdvSimd.Arm64.ZipHigh(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Lo16(Vector128<byte> a, Vector128<byte> b) =>
        (Sse2.IsSupported ? Sse2.UnpackLow(a.AsUInt16(), b.AsUInt16()) : AdvSimd.Arm64.ZipLow(a.AsUInt16(), b.AsUInt16())).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Hi16(Vector128<byte> a, Vector128<byte> b) =>
        (Sse2.IsSupported ? Sse2.UnpackHigh(a.AsUInt16(), b.AsUInt16()) : AdvSimd.Arm64.ZipHigh(a.AsUInt16(), b.AsUInt16())).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Lo32(Vector128<byte> a, Vector128<byte> b) =>
        (Sse2.IsSupported ? Sse2.UnpackLow(a.AsUInt32(), b.AsUInt32()) : AdvSimd.Arm64.ZipLow(a.AsUInt32(), b.AsUInt32())).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Hi32(Vector128<byte> a, Vector128<byte> b) =>
        (Sse2.IsSupported ? Sse2.UnpackHigh(a.AsUInt32(), b.AsUInt32()) : AdvSimd.Arm64.ZipHigh(a.AsUInt32(), b.AsUInt32())).AsByte();
}
