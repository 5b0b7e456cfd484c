using System.Numerics;
using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Execution;
using Forge.Core.Kernels;

namespace Forge.Kernels.Conformance;

/// <summary>
/// Each case compares a kernel's output, byte for byte, with a scalar definition written here independently of the
/// kernel, over lengths that exercise every vector width's body and the scalar tail. A case throws on mismatch.
/// </summary>
public static class KernelCases
{
    // Lengths around every vector width (8..64 elements), the 512-element conversion block, and odd tails.
    private static readonly int[] Lengths = [0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 255, 511, 512, 513, 1000, 4099];

    private static readonly DataType[] Sources =
    [
        DataType.Int8, DataType.UInt8, DataType.Int16, DataType.UInt16, DataType.Int32, DataType.UInt32,
        DataType.Int64, DataType.UInt64, DataType.Float32, DataType.Float64,
    ];

    private static readonly string[] ConversionKinds = ["unpack", "unpack-mask-only", "affine-f64", "affine-f32", "affine-i64", "widen-f64", "widen-f32"];

    public static IReadOnlyList<string> Names { get; } =
    [
        .. Sources.SelectMany(s => ConversionKinds.Select(k => $"convert/{s}/{k}")),
        "blockcopy/plain", "blockcopy/convert", "blockcopy/overlap",
        "shuffle/1", "shuffle/2", "shuffle/4", "shuffle/8", "shuffle/3",
        "allnan/f32", "allnan/f64",
    ];

    public static void Run(string name)
    {
        var parts = name.Split('/');
        switch (parts[0])
        {
            case "convert": Convert(Enum.Parse<DataType>(parts[1]), parts[2]); break;
            case "blockcopy" when parts[1] == "plain": BlockCopyPlain(); break;
            case "blockcopy" when parts[1] == "convert": BlockCopyConvert(); break;
            case "blockcopy" when parts[1] == "overlap": BlockCopyOverlap(); break;
            case "shuffle": Shuffle(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)); break;
            case "allnan": AllNaN(parts[1] == "f64"); break;
            default: throw new ArgumentException($"no case '{name}'");
        }
    }

    public static ElementConversion ConversionFor(DataType source, string kind) => kind switch
    {
        "unpack" => new ElementConversion(source, DataType.Float32, new CfUnpacking(0.01, 273.15, [.. FillsFor(source)])),
        "unpack-mask-only" => new ElementConversion(source, DataType.Float32, new CfUnpacking(1, 0, [.. FillsFor(source)])),
        "affine-f64" => new ElementConversion(source, DataType.Float64, null, 1.0 / 24, 3.5),
        "affine-f32" => new ElementConversion(source, DataType.Float32, null, 0.001, -2),
        "affine-i64" => new ElementConversion(source, DataType.Int64, null, 1000, -7),
        "widen-f64" => new ElementConversion(source, DataType.Float64, null),
        "widen-f32" => new ElementConversion(source, DataType.Float32, null),
        _ => throw new ArgumentException($"no conversion kind '{kind}'"),
    };

    private static void Convert(DataType source, string kind)
    {
        var c = ConversionFor(source, kind);
        foreach (var n in Lengths)
        {
            var src = Values(source, n, new Random((n * 17) + (int)source));
            var expected = Reference(c, src);
            var actual = new byte[expected.Length + 8];
            actual.AsSpan(expected.Length).Fill(0xA5);
            c.Apply(src, actual);
            Same(expected, actual.AsSpan(0, expected.Length), $"{source} {kind} n={n}");
            if (actual.AsSpan(expected.Length).IndexOfAnyExcept((byte)0xA5) >= 0)
                throw new InvalidOperationException($"{source} {kind} n={n}: wrote past the converted elements");
        }
    }

    /// <summary>The scalar definition of <see cref="ElementConversion"/>, one element at a time in float64.</summary>
    public static byte[] Reference(ElementConversion c, ReadOnlySpan<byte> source) => c.Source switch
    {
        DataType.Int8 => Reference(c, MemoryMarshal.Cast<byte, sbyte>(source)),
        DataType.UInt8 => Reference<byte>(c, source),
        DataType.Int16 => Reference(c, MemoryMarshal.Cast<byte, short>(source)),
        DataType.UInt16 => Reference(c, MemoryMarshal.Cast<byte, ushort>(source)),
        DataType.Int32 => Reference(c, MemoryMarshal.Cast<byte, int>(source)),
        DataType.UInt32 => Reference(c, MemoryMarshal.Cast<byte, uint>(source)),
        DataType.Int64 => Reference(c, MemoryMarshal.Cast<byte, long>(source)),
        DataType.UInt64 => Reference(c, MemoryMarshal.Cast<byte, ulong>(source)),
        DataType.Float32 => Reference(c, MemoryMarshal.Cast<byte, float>(source)),
        DataType.Float64 => Reference(c, MemoryMarshal.Cast<byte, double>(source)),
        _ => throw new NotSupportedException(c.Source.ToString()),
    };

    private static byte[] Reference<T>(ElementConversion c, ReadOnlySpan<T> source) where T : unmanaged, INumberBase<T>
    {
        if (c.IsCopy) return MemoryMarshal.AsBytes(source).ToArray();
        if (c.Unpacking is { } u)
        {
            var f = new float[source.Length];
            for (var i = 0; i < source.Length; i++)
            {
                var raw = double.CreateTruncating(source[i]);
                var missing = double.IsNaN(raw) || u.FillValues.Contains(raw);
                f[i] = missing ? float.NaN : (float)((raw * u.ScaleFactor) + u.AddOffset);
            }

            return MemoryMarshal.AsBytes(f.AsSpan()).ToArray();
        }

        switch (c.Target)
        {
            case DataType.Float64:
            {
                var d = new double[source.Length];
                for (var i = 0; i < source.Length; i++) d[i] = (double.CreateTruncating(source[i]) * c.Scale) + c.Offset;
                return MemoryMarshal.AsBytes(d.AsSpan()).ToArray();
            }

            case DataType.Float32:
            {
                var f = new float[source.Length];
                for (var i = 0; i < source.Length; i++) f[i] = (float)((double.CreateTruncating(source[i]) * c.Scale) + c.Offset);
                return MemoryMarshal.AsBytes(f.AsSpan()).ToArray();
            }

            case DataType.Int64:
            {
                var l = new long[source.Length];
                for (var i = 0; i < source.Length; i++) l[i] = (long)Math.Round((double.CreateTruncating(source[i]) * c.Scale) + c.Offset);
                return MemoryMarshal.AsBytes(l.AsSpan()).ToArray();
            }

            default:
                throw new NotSupportedException(c.Target.ToString());
        }
    }

    // Fill values a real file would use; the generated data contains them. 0.1 is a float64 that no float32 equals.
    private static double[] FillsFor(DataType t) => t switch
    {
        DataType.Int8 => [-127, -128],
        DataType.UInt8 => [255],
        DataType.Int16 => [-32767, -32768],
        DataType.UInt16 => [65535],
        DataType.Int32 => [-2147483647, -999],
        DataType.UInt32 => [4294967295],
        DataType.Int64 => [-9223372036854775808.0, -999],
        DataType.UInt64 => [18446744073709551615.0],
        DataType.Float32 => [1e20f, -999f, 0.1],
        DataType.Float64 => [9.969209968386869e36, -999],
        _ => [],
    };

    /// <summary>Random elements of <paramref name="t"/> mixed with extremes, fills, NaN payloads, ±0, ±∞ and subnormals.</summary>
    public static byte[] Values(DataType t, int n, Random r)
    {
        var bytes = new byte[n * t.ElementSize()];
        r.NextBytes(bytes);
        var fills = FillsFor(t);
        for (var i = 0; i < n; i++)
        {
            if (r.Next(4) != 0) continue;
            var pick = r.Next(8);
            var at = bytes.AsSpan(i * t.ElementSize());
            switch (t)
            {
                case DataType.Float32:
                    float[] f32 = [float.NaN, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00123)), -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, (float)fills[r.Next(fills.Length)], (r.NextSingle() - 0.5f) * 1e4f];
                    MemoryMarshal.Write(at, in f32[pick]);
                    break;
                case DataType.Float64:
                    double[] f64 = [double.NaN, BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000123)), -0.0, double.PositiveInfinity, 1e300, double.Epsilon, fills[r.Next(fills.Length)], (r.NextDouble() - 0.5) * 1e6];
                    MemoryMarshal.Write(at, in f64[pick]);
                    break;
                default:
                    // Integers: a fill, zero, or a small value (realistic packed data), else the random bits stay.
                    if (pick < 3) WriteInteger(t, at, fills[r.Next(fills.Length)]);
                    else if (pick < 5) WriteInteger(t, at, r.Next(-100, 100));
                    else if (pick == 5) at[..t.ElementSize()].Clear();
                    break;
            }
        }

        return bytes;
    }

    private static void WriteInteger(DataType t, Span<byte> at, double v)
    {
        switch (t)
        {
            case DataType.Int8: at[0] = (byte)(sbyte)Math.Clamp(v, sbyte.MinValue, sbyte.MaxValue); break;
            case DataType.UInt8: at[0] = (byte)Math.Clamp(v, 0, byte.MaxValue); break;
            case DataType.Int16: MemoryMarshal.Write(at, (short)Math.Clamp(v, short.MinValue, short.MaxValue)); break;
            case DataType.UInt16: MemoryMarshal.Write(at, (ushort)Math.Clamp(v, 0, ushort.MaxValue)); break;
            case DataType.Int32: MemoryMarshal.Write(at, (int)Math.Clamp(v, int.MinValue, int.MaxValue)); break;
            case DataType.UInt32: MemoryMarshal.Write(at, (uint)Math.Clamp(v, 0, uint.MaxValue)); break;
            case DataType.Int64: MemoryMarshal.Write(at, v <= long.MinValue ? long.MinValue : (long)v); break;
            case DataType.UInt64: MemoryMarshal.Write(at, v >= ulong.MaxValue ? ulong.MaxValue : (ulong)Math.Max(0, v)); break;
        }
    }

    private static void BlockCopyPlain()
    {
        var r = new Random(5);
        foreach (var (srcShape, dstShape, srcStart, dstStart, count) in Boxes(r))
            foreach (var es in new[] { 1, 2, 4, 8 })
            {
                var src = new byte[Product(srcShape) * es];
                r.NextBytes(src);
                var dst = new byte[Product(dstShape) * es];
                r.NextBytes(dst);
                var expected = (byte[])dst.Clone();
                ForEachIndex(count, idx =>
                {
                    var s = Offset(srcShape, srcStart, idx) * es;
                    var d = Offset(dstShape, dstStart, idx) * es;
                    Array.Copy(src, s, expected, d, es);
                });
                BlockCopy.Copy(src, srcShape, srcStart, dst, dstShape, dstStart, count, es);
                Same(expected, dst, $"plain copy {Show(count)} es={es}");
            }
    }

    private static void BlockCopyConvert()
    {
        var r = new Random(6);
        var conversions = new[]
        {
            ConversionFor(DataType.Int16, "unpack"), ConversionFor(DataType.Float32, "unpack-mask-only"),
            ConversionFor(DataType.UInt8, "unpack"), ConversionFor(DataType.Int32, "affine-f64"),
            ConversionFor(DataType.Float64, "affine-i64"), ConversionFor(DataType.Float32, "widen-f64"),
            new ElementConversion(DataType.Float32, DataType.Float32, null),
        };
        foreach (var (srcShape, dstShape, srcStart, dstStart, count) in Boxes(r))
            foreach (var c in conversions)
            {
                int se = c.SourceElementSize, te = c.TargetElementSize;
                var src = Values(c.Source, (int)Product(srcShape), r);
                var dst = new byte[Product(dstShape) * te];
                r.NextBytes(dst);
                var expected = (byte[])dst.Clone();
                ForEachIndex(count, idx =>
                {
                    var s = Offset(srcShape, srcStart, idx) * se;
                    var d = Offset(dstShape, dstStart, idx) * te;
                    Reference(c, src.AsSpan((int)s, se)).CopyTo(expected, d);
                });
                BlockCopy.Copy(src, srcShape, srcStart, dst, dstShape, dstStart, count, c);
                Same(expected, dst, $"converting copy {c.Source}->{c.Target} {Show(count)}");
            }
    }

    private static void BlockCopyOverlap()
    {
        var r = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            var rank = r.Next(1, 4);
            var chunkOrigin = new long[rank];
            var chunkShape = new long[rank];
            var regionStart = new long[rank];
            var regionCount = new long[rank];
            for (var d = 0; d < rank; d++)
            {
                chunkOrigin[d] = r.Next(0, 20);
                chunkShape[d] = r.Next(1, 12);
                regionStart[d] = r.Next(0, 20);
                regionCount[d] = r.Next(1, 12);
            }

            var chunk = new byte[Product(chunkShape) * 4];
            r.NextBytes(chunk);
            var region = new byte[Product(regionCount) * 4];
            var expected = new byte[region.Length];
            ForEachIndex(regionCount, idx =>
            {
                var inside = true;
                var c = new long[rank];
                for (var d = 0; d < rank; d++)
                {
                    c[d] = regionStart[d] + idx[d] - chunkOrigin[d];
                    inside &= c[d] >= 0 && c[d] < chunkShape[d];
                }

                if (inside) Array.Copy(chunk, Offset(chunkShape, new long[rank], c) * 4, expected, Offset(regionCount, new long[rank], idx) * 4, 4);
            });
            BlockCopy.CopyOverlap(chunk, chunkOrigin, chunkShape, region, regionStart, regionCount, 4);
            Same(expected, region, $"overlap trial {trial}");
        }
    }

    private static void Shuffle(int elementSize)
    {
        foreach (var n in Lengths.Append(100_003))
        {
            var src = new byte[n];
            new Random(n + elementSize).NextBytes(src);
            var count = n / elementSize;
            var expected = (byte[])src.Clone();
            for (var i = 0; i < count; i++)
                for (var j = 0; j < elementSize; j++)
                    expected[(j * count) + i] = src[(i * elementSize) + j];
            var shuffled = new byte[n];
            ByteShuffle.Shuffle(src, shuffled, elementSize);
            Same(expected, shuffled, $"shuffle es={elementSize} n={n}");
            var back = new byte[n];
            ByteShuffle.Unshuffle(shuffled, back, elementSize);
            Same(src, back, $"unshuffle es={elementSize} n={n}");
        }
    }

    private static void AllNaN(bool f64)
    {
        foreach (var n in Lengths.Where(l => l > 0))
            for (var at = -1; at < n; at += Math.Max(1, n / 7))
            {
                bool actual;
                if (f64)
                {
                    var v = Enumerable.Repeat(double.NaN, n).ToArray();
                    if (at >= 0) v[at] = -0.0;
                    actual = FillMask.AllNaN(v);
                }
                else
                {
                    var v = Enumerable.Repeat(BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00123)), n).ToArray();
                    if (at >= 0) v[at] = float.PositiveInfinity;
                    actual = FillMask.AllNaN(v);
                }

                if (actual != (at < 0)) throw new InvalidOperationException($"AllNaN n={n} non-NaN at {at}: got {actual}");
            }
    }

    private static IEnumerable<(long[] SrcShape, long[] DstShape, long[] SrcStart, long[] DstStart, long[] Count)> Boxes(Random r)
    {
        // Whole arrays (rows merge), a transpose-like tile of an OISST day, a scalar, and random boxes.
        yield return ([5, 7], [5, 7], [0, 0], [0, 0], [5, 7]);
        yield return ([1, 72, 144], [10, 18, 36], [0, 18, 36], [3, 0, 0], [1, 18, 36]);
        yield return ([], [], [], [], []);
        for (var trial = 0; trial < 40; trial++)
        {
            var rank = r.Next(1, 5);
            long[] srcShape = new long[rank], dstShape = new long[rank], srcStart = new long[rank], dstStart = new long[rank], count = new long[rank];
            for (var d = 0; d < rank; d++)
            {
                count[d] = r.Next(1, 9);
                srcShape[d] = count[d] + r.Next(0, 4);
                dstShape[d] = count[d] + r.Next(0, 4);
                srcStart[d] = r.Next(0, (int)(srcShape[d] - count[d] + 1));
                dstStart[d] = r.Next(0, (int)(dstShape[d] - count[d] + 1));
            }

            yield return (srcShape, dstShape, srcStart, dstStart, count);
        }
    }

    private static long Product(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    private static long Offset(long[] shape, long[] start, long[] index)
    {
        long o = 0;
        for (var d = 0; d < shape.Length; d++) o = (o * shape[d]) + start[d] + index[d];
        return o;
    }

    private static void ForEachIndex(long[] count, Action<long[]> visit)
    {
        var total = Product(count);
        var idx = new long[count.Length];
        for (long n = 0; n < total; n++)
        {
            var rem = n;
            for (var d = count.Length - 1; d >= 0; d--)
            {
                idx[d] = rem % count[d];
                rem /= count[d];
            }

            visit(idx);
        }
    }

    private static string Show(long[] v) => "(" + string.Join(",", v) + ")";

    private static void Same(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (expected.Length != actual.Length) throw new InvalidOperationException($"{what}: {actual.Length} bytes, expected {expected.Length}");
        var at = expected.CommonPrefixLength(actual);
        if (at < expected.Length)
            throw new InvalidOperationException($"{what}: first difference at byte {at} (expected {expected[at]:X2}, got {actual[at]:X2})");
    }
}
