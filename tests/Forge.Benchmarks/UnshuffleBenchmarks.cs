using BenchmarkDotNet.Attributes;
using Forge.Formats.Kernels;

namespace Forge.Benchmarks;

/// <summary>
/// <see cref="ByteUnshuffle"/> on one OISST-sized chunk (4 MiB) per vector width, against a plain copy.
/// GB/s = 4.19 / mean ms.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class UnshuffleBenchmarks
{
    private readonly byte[] _source = new byte[4 << 20];
    private readonly byte[] _destination = new byte[4 << 20];

    [Params(2, 4, 8)]
    public int ElementSize { get; set; }

    [Params(0, 128, 256)]
    public int MaxVectorBits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_source);
        ByteUnshuffle.MaxVectorBits = MaxVectorBits;
    }

    [GlobalCleanup]
    public void Cleanup() => ByteUnshuffle.MaxVectorBits = 256;

    [Benchmark]
    public void Unshuffle() => ByteUnshuffle.Unshuffle(_source, _destination, ElementSize);

    [Benchmark(Baseline = true)]
    public void Copy() => _source.AsSpan().CopyTo(_destination);
}
