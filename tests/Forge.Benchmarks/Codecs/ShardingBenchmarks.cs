using BenchmarkDotNet.Attributes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Native.Compression;

namespace Forge.Benchmarks.Codecs;

/// <summary>
/// Overhead of sharding: one 4 MiB shard of 16 inner 1x180x360 chunks vs the same 16 chunks encoded plainly (the
/// baseline) and vs 4 plain 1 MiB chunks (zstd picks stronger parameters for inputs under 256 KiB, so that
/// comparison mixes zstd's cost into the figure).
/// </summary>
[MemoryDiagnoser]
public class ShardingBenchmarks
{
    private static readonly ChunkSpec ShardSpec = new([4, 360, 720], DataType.Float32);
    private byte[] _shard = [];
    private static readonly ChunkSpec InnerSpec = new([1, 180, 360], DataType.Float32);
    private byte[] _chunk = [];
    private byte[] _inner = [];
    private CodecChain _plain = new();
    private CodecChain _sharded = new();

    [GlobalSetup]
    public void Setup()
    {
        _chunk = OisstChunk.Create();
        _shard = [.. _chunk, .. _chunk, .. _chunk, .. _chunk];
        _inner = new byte[InnerSpec.ByteCount];
        for (var y = 0; y < 180; y++) _chunk.AsSpan(y * 720 * 4, 360 * 4).CopyTo(_inner.AsSpan(y * 360 * 4));
        var zstd = new ZstdCodec(0);
        _plain = new CodecChain(zstd);
        var sharding = new ShardingCodec([1, 180, 360], new CodecChain(zstd), new CodecChain(Crc32cCodec.Instance), ShardIndexLocation.End, BitConverter.GetBytes(float.NaN));
        _sharded = new CodecChain([], sharding, []);
    }

    [Benchmark(Baseline = true)]
    public int SixteenPlainInnerChunks()
    {
        var n = 0;
        for (var i = 0; i < 16; i++)
        {
            using var e = _plain.Encode(_inner, InnerSpec);
            n += e.Memory.Length;
        }

        return n;
    }

    [Benchmark]
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
