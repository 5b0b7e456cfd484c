using BenchmarkDotNet.Attributes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Native.Compression;

namespace Forge.Benchmarks.Codecs;

/// <summary>Overhead of sharding: one 4 MiB shard of 16 inner chunks vs the same data as 4 plain 1 MiB chunks (zstd).</summary>
[MemoryDiagnoser]
public class ShardingBenchmarks
{
    private static readonly ChunkSpec ShardSpec = new([4, 360, 720], DataType.Float32);
    private byte[] _shard = [];
    private byte[] _chunk = [];
    private CodecChain _plain = new();
    private CodecChain _sharded = new();

    [GlobalSetup]
    public void Setup()
    {
        _chunk = OisstChunk.Create();
        _shard = [.. _chunk, .. _chunk, .. _chunk, .. _chunk];
        var zstd = new ZstdCodec(0);
        _plain = new CodecChain(zstd);
        var sharding = new ShardingCodec([1, 180, 360], new CodecChain(zstd), new CodecChain(Crc32cCodec.Instance), ShardIndexLocation.End, BitConverter.GetBytes(float.NaN));
        _sharded = new CodecChain([], sharding, []);
    }

    [Benchmark(Baseline = true)]
    public int FourPlainChunks()
    {
        var n = 0;
        for (var i = 0; i < 4; i++)
        {
            using var e = _plain.Encode(_chunk, OisstChunk.Spec);
            n += e.Memory.Length;
        }

        return n;
    }

    [Benchmark]
    public int OneShard()
    {
        using var e = _sharded.Encode(_shard, ShardSpec);
        return e.Memory.Length;
    }
}
