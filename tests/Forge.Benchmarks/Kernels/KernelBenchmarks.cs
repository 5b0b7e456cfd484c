using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Execution;
using Forge.Core.Kernels;

namespace Forge.Benchmarks.Kernels;

/// <summary>
/// The element-conversion and scatter kernels on one OISST day (720 × 1440): CF unpacking of packed int16, fill
/// masking of float32, the time affine map, and the scatter of a day into 16 time-series tiles (S2's (T,180,360)
/// chunks, 1440-byte rows) with and without fused conversion. Run under <see cref="VectorWidthConfig"/>.
/// </summary>
[Config(typeof(VectorWidthConfig))]
public class KernelBenchmarks
{
    private const int Lat = 720, Lon = 1440, Depth = 8;
    private static readonly long[] Day = [1, Lat, Lon];
    private static readonly long[] Tile = [Depth, 180, 360];

    private readonly ElementConversion _unpack = new(DataType.Int16, DataType.Float32, new CfUnpacking(0.01, 0, [-999]));
    private readonly ElementConversion _mask = new(DataType.Float32, DataType.Float32, new CfUnpacking(1, 0, [-999f]));
    private readonly ElementConversion _time = new(DataType.Int32, DataType.Float64, null, 1.0 / 24, 12);
    private byte[] _packed = [];
    private byte[] _floats = [];
    private byte[] _times = [];
    private byte[] _out = [];
    private byte[] _out64 = [];
    private byte[][] _tiles = [];

    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(1);
        var packed = new short[Lat * Lon];
        var floats = new float[Lat * Lon];
        for (var i = 0; i < packed.Length; i++)
        {
            var land = (i % Lon + i / Lon) % 97 < 30;
            packed[i] = land ? (short)-999 : (short)r.Next(-180, 3500);
            floats[i] = land ? float.NaN : packed[i] / 100f;
        }

        _packed = MemoryMarshal.AsBytes(packed.AsSpan()).ToArray();
        _floats = MemoryMarshal.AsBytes(floats.AsSpan()).ToArray();
        _times = MemoryMarshal.AsBytes(Enumerable.Range(0, 1 << 18).ToArray().AsSpan()).ToArray();
        _out = new byte[Lat * Lon * 4];
        _out64 = new byte[_times.Length * 2];
        _tiles = Enumerable.Range(0, 16).Select(_ => new byte[Depth * 180 * 360 * 4]).ToArray();
    }

    [Benchmark(Description = "memcpy one day (4 MB, the ceiling)")]
    public void CopyDay() => _floats.AsSpan().CopyTo(_out);

    [Benchmark(Description = "unpack int16 -> float32 (scale, offset, fill)")]
    public void Unpack() => _unpack.Apply(_packed, _out);

    [Benchmark(Description = "fill mask float32 (_FillValue -> NaN)")]
    public void Mask() => _mask.Apply(_floats, _out);

    [Benchmark(Description = "time affine int32 -> float64 (256 Ki values)")]
    public void TimeAffine() => _time.Apply(_times, _out64);

    [Benchmark(Description = "scatter a float32 day into 16 tiles")]
    public void Scatter()
    {
        for (var t = 0; t < 16; t++)
            BlockCopy.Copy(_floats, Day, [0, (t / 4) * 180, (t % 4) * 360], _tiles[t], Tile, [3, 0, 0], [1, 180, 360], 4);
    }

    [Benchmark(Description = "scatter + unpack an int16 day, fused")]
    public void ScatterUnpackFused()
    {
        for (var t = 0; t < 16; t++)
            BlockCopy.Copy(_packed, Day, [0, (t / 4) * 180, (t % 4) * 360], _tiles[t], Tile, [3, 0, 0], [1, 180, 360], _unpack);
    }

    [Benchmark(Description = "scatter + unpack an int16 day, convert then copy")]
    public void ScatterUnpackTwoStep()
    {
        _unpack.Apply(_packed, _out);
        for (var t = 0; t < 16; t++)
            BlockCopy.Copy(_out, Day, [0, (t / 4) * 180, (t % 4) * 360], _tiles[t], Tile, [3, 0, 0], [1, 180, 360], 4);
    }
}
