using BenchmarkDotNet.Attributes;
using Forge.Core.Codecs;
using Forge.Native.Compression;

namespace Forge.Benchmarks.Codecs;

/// <summary>Encode/decode of one 1 MiB OISST-like float32 chunk per codec (divide 1 MiB by the time for GB/s).</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private byte[] _chunk = [];
    private byte[] _encoded = [];
    private IBytesToBytesCodec _codec = Crc32cCodec.Instance;

    [Params("blosc-lz4", "blosc-zstd", "zstd-0", "gzip-5", "zlib-1", "crc32c")]
    public string Codec { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _chunk = OisstChunk.Create();
        _codec = Codec switch
        {
            "blosc-lz4" => new BloscCodec("lz4", 5, BloscShuffle.Shuffle, 4),
            "blosc-zstd" => new BloscCodec("zstd", 3, BloscShuffle.Shuffle, 4),
            "zstd-0" => new ZstdCodec(0),
            "gzip-5" => new GzipCodec(5),
            "zlib-1" => new ZlibCodec(1),
            _ => Crc32cCodec.Instance,
        };
        using var e = _codec.Encode(_chunk, OisstChunk.Spec);
        _encoded = e.Memory.ToArray();
    }

    [Benchmark]
    public int Encode()
    {
        using var e = _codec.Encode(_chunk, OisstChunk.Spec);
        return e.Memory.Length;
    }

    [Benchmark]
    public int Decode()
    {
        using var d = _codec.Decode(_encoded, OisstChunk.Spec);
        return d.Memory.Length;
    }
}
