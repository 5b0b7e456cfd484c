using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Storage;

namespace Forge.Core.Tests.Codecs;

public sealed class ShardingCodecTests
{
    private static readonly byte[] NaN32 = BitConverter.GetBytes(float.NaN);

    private static ShardingCodec Codec(ShardIndexLocation location, params IBytesToBytesCodec[] inner) =>
        new([2, 2], new CodecChain(inner), new CodecChain(Crc32cCodec.Instance), location, NaN32);

    private static byte[] Shard(bool emptyCorner)
    {
        var v = new float[4 * 4];
        for (var i = 0; i < v.Length; i++) v[i] = i;
        if (emptyCorner)
        {
            v[0] = v[1] = v[4] = v[5] = float.NaN; // inner chunk (0,0) holds only the fill value
        }

        return MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
    }

    [Theory]
    [InlineData(ShardIndexLocation.End)]
    [InlineData(ShardIndexLocation.Start)]
    public void Shard_round_trips_with_an_index_of_16n_plus_4_bytes(ShardIndexLocation location)
    {
        var codec = Codec(location);
        var spec = new ChunkSpec([4, 4], DataType.Float32);
        var data = Shard(emptyCorner: true);
        using var encoded = codec.Encode(data, spec);
        Assert.Equal(16 * 4 + 4, codec.IndexByteCount(spec));
        // 3 stored inner chunks of 2x2 float32 plus the index.
        Assert.Equal(3 * 16 + 68, encoded.Memory.Length);
        var indexBytes = location == ShardIndexLocation.End ? encoded.Memory.Span[^68..] : encoded.Memory.Span[..68];
        var index = codec.DecodeIndex(indexBytes, spec);
        Assert.Equal(ulong.MaxValue, index[0]);
        Assert.Equal(ulong.MaxValue, index[1]);
        Assert.Equal(location == ShardIndexLocation.End ? 0UL : 68UL, index[2]);
        Assert.Equal(16UL, index[3]);
        using var decoded = codec.Decode(encoded.Memory.Span, spec);
        Assert.Equal(data, decoded.Memory.ToArray());
    }

    [Theory]
    [InlineData(ShardIndexLocation.End)]
    [InlineData(ShardIndexLocation.Start)]
    public void Inner_chunks_encoded_one_by_one_plus_their_index_are_the_whole_shard_encoding(ShardIndexLocation location)
    {
        // The engine's streamed assembly: EncodeInner per inner chunk, chunks in C order, EncodeIndex first or last.
        var codec = Codec(location, new GzipCodec(1));
        var spec = new ChunkSpec([4, 4], DataType.Float32);
        var inner = codec.InnerSpec(spec);
        var data = Shard(emptyCorner: true);
        using var whole = codec.Encode(data, spec);
        var parts = new List<byte[]>();
        var sizes = new long[4];
        for (var c = 0; c < 4; c++)
        {
            var chunk = new byte[inner.ByteCount];
            Forge.Core.Kernels.BlockCopy.Copy(data, spec.Shape, [c / 2 * 2, c % 2 * 2], chunk, inner.Shape, [0, 0], inner.Shape, 4);
            using var encoded = codec.EncodeInner(chunk, inner);
            sizes[c] = encoded is null ? -1 : encoded.Memory.Length;
            if (encoded is not null) parts.Add(encoded.Memory.ToArray());
        }

        Assert.Equal(-1, sizes[0]); // only the fill value: an empty index entry
        using var index = codec.EncodeIndex(sizes, spec);
        var streamed = location == ShardIndexLocation.Start
            ? [.. index.Memory.ToArray(), .. parts.SelectMany(p => p)]
            : parts.SelectMany(p => p).Concat(index.Memory.ToArray()).ToArray();
        Assert.Equal(whole.Memory.ToArray(), streamed);
    }

    [Fact]
    public async Task One_inner_chunk_is_read_with_byte_ranges()
    {
        var codec = Codec(ShardIndexLocation.End, new GzipCodec(1));
        var spec = new ChunkSpec([4, 4], DataType.Float32);
        using var encoded = codec.Encode(Shard(emptyCorner: true), spec);
        var store = new MemoryStore();
        var key = new StoreKey("a/c/0/0");
        await store.SetAsync(key, encoded.Memory);
        using var chunk = await codec.ReadInnerChunkAsync(store, key, spec, [1, 0]);
        Assert.Equal([8f, 9f, 12f, 13f], MemoryMarshal.Cast<byte, float>(chunk!.Memory.Span).ToArray());
        using var empty = await codec.ReadInnerChunkAsync(store, key, spec, [0, 0]);
        Assert.All(MemoryMarshal.Cast<byte, float>(empty!.Memory.Span).ToArray(), f => Assert.True(float.IsNaN(f)));
        Assert.Null(await codec.ReadInnerChunkAsync(store, new StoreKey("a/c/9/9"), spec, [0, 0]));
    }

    [Fact]
    public void Corrupt_index_checksum_names_crc32c()
    {
        var codec = Codec(ShardIndexLocation.End);
        var spec = new ChunkSpec([4, 4], DataType.Float32);
        using var encoded = codec.Encode(Shard(false), spec);
        var bytes = encoded.Memory.ToArray();
        bytes[^10] ^= 0xFF;
        var e = Assert.Throws<CodecException>(() => codec.Decode(bytes, spec));
        Assert.StartsWith("crc32c: checksum mismatch", e.Message);
    }

    [Fact]
    public void Index_pointing_outside_the_shard_is_refused()
    {
        var codec = new ShardingCodec([2, 2], new CodecChain(), new CodecChain(), ShardIndexLocation.End, NaN32);
        var spec = new ChunkSpec([2, 2], DataType.Float32);
        var shard = new byte[16 + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(shard.AsSpan(16), 1000);
        BinaryPrimitives.WriteUInt64LittleEndian(shard.AsSpan(24), 16);
        var e = Assert.Throws<CodecException>(() => codec.Decode(shard, spec));
        Assert.Contains("outside", e.Message);
    }
}
