using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Tests.Zarr;
using Forge.Native.Compression;

namespace Forge.Core.Tests.Codecs;

public sealed class CodecRoundTripTests
{
    private static readonly ChunkSpec Spec = new([12, 30, 17], DataType.Float32);

    private static byte[] OisstLike()
    {
        var values = new float[Spec.ElementCount];
        for (var i = 0; i < values.Length; i++) values[i] = 20f + MathF.Sin(i * 0.01f) * 5f + (i % 17 == 0 ? float.NaN : 0);
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    public static TheoryData<string> Names => ["gzip", "zlib", "crc32c", "zstd", "zstd-checksum", "blosc-lz4", "blosc-lz4hc", "blosc-blosclz", "blosc-zstd-bit", "blosc-zlib-noshuffle"];

    internal static IBytesToBytesCodec Create(string name) => name switch
    {
        "gzip" => new GzipCodec(6),
        "zlib" => new ZlibCodec(1),
        "crc32c" => Crc32cCodec.Instance,
        "zstd" => new ZstdCodec(3),
        "zstd-checksum" => new ZstdCodec(0, checksum: true),
        "blosc-lz4" => new BloscCodec("lz4", 5, BloscShuffle.Shuffle, 4),
        "blosc-lz4hc" => new BloscCodec("lz4hc", 9, BloscShuffle.Shuffle, 4),
        "blosc-blosclz" => new BloscCodec("blosclz", 5, BloscShuffle.Shuffle, 4),
        "blosc-zstd-bit" => new BloscCodec("zstd", 3, BloscShuffle.BitShuffle, 4),
        "blosc-zlib-noshuffle" => new BloscCodec("zlib", 1, BloscShuffle.NoShuffle, 4),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Bytes_to_bytes_codecs_round_trip_and_survive_the_registry(string name)
    {
        Peers.EnsureNativeCodecs();
        var codec = Create(name);
        var data = OisstLike();
        using var encoded = codec.Encode(data, Spec);
        if (name != "crc32c") Assert.True(encoded.Memory.Length < data.Length, $"{name} did not compress");
        using var decoded = codec.Decode(encoded.Memory.Span, Spec);
        Assert.True(decoded.Memory.Span.SequenceEqual(data));

        // The same codec rebuilt from its own v3 JSON (and v2 JSON where it has one) decodes the same bytes.
        var (n, config) = CodecRegistry.NameAndConfiguration(codec.ToV3Json());
        var fromV3 = CodecRegistry.Default.CreateBytesToBytes(n, config, DataType.Float32);
        Assert.Equal(codec.ToV3Json().ToJsonString(), fromV3.ToV3Json().ToJsonString());
        using var again = fromV3.Decode(encoded.Memory.Span, Spec);
        Assert.True(again.Memory.Span.SequenceEqual(data));
        if (codec.ToV2Json() is { } v2)
            Assert.Equal(v2.ToJsonString(), CodecRegistry.Default.CreateFromV2(v2, DataType.Float32).ToV2Json()!.ToJsonString());
    }

    [Fact]
    public void Empty_input_round_trips()
    {
        Peers.EnsureNativeCodecs();
        var spec = new ChunkSpec([0], DataType.Float32);
        foreach (var name in Names)
        {
            var codec = Create(name);
            using var encoded = codec.Encode([], spec);
            using var decoded = codec.Decode(encoded.Memory.Span, spec);
            Assert.Equal(0, decoded.Memory.Length);
        }
    }

    [Fact]
    public void Bytes_codec_big_endian_swaps_and_restores()
    {
        var spec = new ChunkSpec([2], DataType.Int32);
        byte[] le = [1, 0, 0, 0, 2, 0, 0, 0];
        using var be = new BytesCodec(Endian.Big).Encode(le, spec);
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 2], be.Memory.ToArray());
        using var back = new BytesCodec(Endian.Big).Decode(be.Memory.Span, spec);
        Assert.Equal(le, back.Memory.ToArray());
    }

    [Fact]
    public void Transpose_codec_reverses_axes_and_back()
    {
        var spec = new ChunkSpec([2, 3], DataType.UInt8);
        byte[] data = [0, 1, 2, 3, 4, 5];
        var t = new TransposeCodec([1, 0]);
        Assert.Equal([3L, 2L], t.ResolveSpec(spec).Shape);
        using var encoded = t.Encode(data, spec);
        Assert.Equal([0, 3, 1, 4, 2, 5], encoded.Memory.ToArray());
        using var decoded = t.Decode(encoded.Memory.Span, spec);
        Assert.Equal(data, decoded.Memory.ToArray());

        var spec3 = new ChunkSpec([2, 3, 4], DataType.Int16);
        var d3 = Enumerable.Range(0, 48).Select(i => (byte)i).ToArray();
        var t3 = new TransposeCodec([2, 0, 1]);
        using var e3 = t3.Encode(d3, spec3);
        using var back = t3.Decode(e3.Memory.Span, spec3);
        Assert.Equal(d3, back.Memory.ToArray());
        var chain = new CodecChain([t3], BytesCodec.Little, [new GzipCodec(1)]);
        using var ce = chain.Encode(d3, spec3);
        using var cd = chain.Decode(ce.Memory.Span, spec3);
        Assert.Equal(d3, cd.Memory.ToArray());
    }

    [Fact]
    public void Gzip_output_is_rfc1952_and_readable_by_GZipStream_peers()
    {
        var data = OisstLike();
        using var encoded = new GzipCodec(9).Encode(data, Spec);
        Assert.Equal(0x1F, encoded.Memory.Span[0]);
        Assert.Equal(0x8B, encoded.Memory.Span[1]);
        using var ms = new MemoryStream(encoded.Memory.ToArray());
        using var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        gz.CopyTo(output);
        Assert.Equal(data, output.ToArray());
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1000)]
    [InlineData(1, (1 << 20) - 7)]
    [InlineData(9, (1 << 20) + 13)]
    [InlineData(1, 3 << 20)]
    public void Gzip_and_zlib_encode_into_their_bound_the_same_bytes_as_an_unbounded_stream(int level, int length)
    {
        // Incompressible bytes (stored blocks) are the largest output: it must fit the exact-size bound the engine
        // charges, and the bytes must be those of a plain growing stream.
        var data = new byte[length];
        new Random(length).NextBytes(data);
        foreach (var (codec, wrap) in new (IBytesToBytesCodec, Func<Stream, Stream>)[]
                 {
                     (new GzipCodec(level), s => new System.IO.Compression.GZipStream(s, new System.IO.Compression.ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true)),
                     (new ZlibCodec(level), s => new System.IO.Compression.ZLibStream(s, new System.IO.Compression.ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true)),
                 })
        {
            using var encoded = codec.Encode(data, new ChunkSpec([length], DataType.UInt8));
            Assert.True(encoded.Memory.Length <= length + (length / 8) + 1024, $"{codec.Name}: {encoded.Memory.Length} bytes for {length}");
            if (length == 0) continue;
            using var plain = new MemoryStream();
            using (var z = wrap(plain)) z.Write(data);
            Assert.True(encoded.Memory.Span.SequenceEqual(plain.ToArray()), $"{codec.Name} differs from a plain stream at {length} bytes");
        }
    }

    [Fact]
    public void Blosc_frame_carries_its_16_byte_header_and_typesize()
    {
        var data = OisstLike();
        using var encoded = new BloscCodec("lz4", 5, BloscShuffle.Shuffle, 4).Encode(data, Spec);
        Assert.Equal(4, encoded.Memory.Span[3]); // typesize byte
        Assert.Equal(data.Length, BitConverter.ToInt32(encoded.Memory.Span[4..8]));
        Assert.Equal(encoded.Memory.Length, BitConverter.ToInt32(encoded.Memory.Span[12..16]));
    }

    [Fact]
    public void Zstd_frames_of_numcodecs_are_decoded()
    {
        Peers.EnsureNativeCodecs();
        // numcodecs.Zstd(level=1).encode(np.arange(16, dtype='<i4')), produced by the Debian python3-numcodecs peer.
        var hex = Peers.Run(Peers.Python, ["-c", "import numcodecs, numpy as np; print(numcodecs.Zstd(level=1).encode(np.arange(16, dtype='<i4')).hex())"]).Trim();
        var spec = new ChunkSpec([16], DataType.Int32);
        using var decoded = new ZstdCodec().Decode(Convert.FromHexString(hex), spec);
        Assert.Equal(Enumerable.Range(0, 16).ToArray(), MemoryMarshal.Cast<byte, int>(decoded.Memory.Span).ToArray());
    }
}
