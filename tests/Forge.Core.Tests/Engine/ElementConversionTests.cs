using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Execution;

namespace Forge.Core.Tests.Engine;

public sealed class ElementConversionTests
{
    private static TOut[] Run<TIn, TOut>(ElementConversion c, params TIn[] input) where TIn : unmanaged where TOut : unmanaged
    {
        var output = new TOut[input.Length];
        c.Apply(MemoryMarshal.AsBytes(input.AsSpan()), MemoryMarshal.AsBytes(output.AsSpan()));
        return output;
    }

    [Fact]
    public void CopyIsBitExact()
    {
        var c = new ElementConversion(DataType.Float64, DataType.Float64, null);
        Assert.True(c.IsCopy);
        Assert.Equal([double.NaN, -0.0, 1e300], Run<double, double>(c, double.NaN, -0.0, 1e300));
    }

    [Fact]
    public void UnpackingScalesOffsetsAndTurnsFillsIntoNaN()
    {
        var c = new ElementConversion(DataType.Int16, DataType.Float32, new CfUnpacking(0.01, 273.15, [-32767, -32768]));
        Assert.False(c.IsCopy);
        var result = Run<short, float>(c, 0, 100, -32767, -32768, 2000);
        Assert.Equal(273.15f, result[0]);
        Assert.Equal(274.15f, result[1]);
        Assert.True(float.IsNaN(result[2]));
        Assert.True(float.IsNaN(result[3]));
        Assert.Equal(293.15f, result[4]);
    }

    [Fact]
    public void UnpackingUnsignedAndFloatSources()
    {
        var u8 = new ElementConversion(DataType.UInt8, DataType.Float32, new CfUnpacking(0.5, -10, [255]));
        var r = Run<byte, float>(u8, 0, 254, 255);
        Assert.Equal(-10f, r[0]);
        Assert.Equal(117f, r[1]);
        Assert.True(float.IsNaN(r[2]));

        var f32 = new ElementConversion(DataType.Float32, DataType.Float32, new CfUnpacking(1, 0, [1e20f]));
        var f = Run<float, float>(f32, 1.5f, 1e20f, float.NaN);
        Assert.Equal(1.5f, f[0]);
        Assert.True(float.IsNaN(f[1]));
        Assert.True(float.IsNaN(f[2]));
    }

    [Fact]
    public void TimeAffineToInt64Rounds()
    {
        // hours since day 2 → hours since day 1: y = x + 24.
        var c = new ElementConversion(DataType.Int32, DataType.Int64, null, Scale: 1, Offset: 24);
        Assert.Equal([24L, 30, 48], Run<int, long>(c, 0, 6, 24));
        // days → hours.
        var d = new ElementConversion(DataType.Float64, DataType.Int64, null, Scale: 24, Offset: 0);
        Assert.Equal([0L, 12, 36], Run<double, long>(d, 0, 0.5, 1.5));
        var big = new ElementConversion(DataType.Int64, DataType.Int64, null, Scale: 1_000_000, Offset: 0);
        Assert.Equal([86_400_000_000L], Run<long, long>(big, 86_400));
    }

    [Fact]
    public void TimeAffineToFloat64()
    {
        var c = new ElementConversion(DataType.Float32, DataType.Float64, null, Scale: 1.0 / 24, Offset: 1);
        Assert.Equal([1.0, 1.5, 2.25], Run<float, double>(c, 0, 12, 30));
    }

    [Fact]
    public void WideningToFloat64WithoutAffine()
    {
        var c = new ElementConversion(DataType.UInt16, DataType.Float64, null);
        Assert.False(c.IsCopy);
        Assert.Equal([0.0, 65535], Run<ushort, double>(c, 0, 65535));
    }

    [Fact]
    public void UnsupportedTargetsThrow()
    {
        var c = new ElementConversion(DataType.Int32, DataType.Int16, null, Scale: 2);
        Assert.Throws<NotSupportedException>(() => Run<int, short>(c, 1));
    }
}
