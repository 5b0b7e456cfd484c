using BenchmarkDotNet.Attributes;
using Forge.Core.Kernels;

namespace Forge.Benchmarks.Codecs;

/// <summary>The byte-shuffle kernel on a 1 MiB float32 chunk against a plain copy (the memory-bandwidth ceiling).</summary>
public class ShuffleBenchmarks
{
    private byte[] _src = [];
    private byte[] _dst = [];

    [GlobalSetup]
    public void Setup()
    {
        _src = OisstChunk.Create();
        _dst = new byte[_src.Length];
    }

    [Benchmark(Baseline = true)]
    public void SpanCopyTo() => _src.AsSpan().CopyTo(_dst);

    [Benchmark]
    public void ShuffleVector() => ByteShuffle.Shuffle(_src, _dst, 4);

    [Benchmark]
    public void UnshuffleVector() => ByteShuffle.Unshuffle(_src, _dst, 4);

    [Benchmark]
    public void ShuffleScalar() => ByteShuffle.Shuffle(_src, _dst, 3); // 3-byte elements take the scalar path

    [Benchmark]
    public uint Crc32C() => Forge.Core.Kernels.Crc32C.Compute(_src);
}
