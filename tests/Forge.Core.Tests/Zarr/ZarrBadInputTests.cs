using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Storage;
using Forge.Core.Zarr;
using Forge.Native.Compression;

namespace Forge.Core.Tests.Zarr;

/// <summary>Corrupt chunks fail with errors that name the array's chunk key and the codec that failed.</summary>
public sealed class ZarrBadInputTests
{
    private static async Task<(MemoryStore Store, ZarrArrayReader Reader)> WriteAsync(ZarrFormat format, params IBytesToBytesCodec[] codecs)
    {
        Peers.EnsureNativeCodecs();
        var store = new MemoryStore();
        var meta = new ZarrArrayMetadata(format, [4, 6], [2, 3], DataType.Float32) { FillValue = ZarrFillValue.FromFloat(double.NaN), Codecs = codecs };
        var data = new byte[4 * 6 * 4];
        new Random(3).NextBytes(data);
        await new ZarrArrayWriter(store, "sst", meta).WriteRegionAsync(new long[] { 0, 0 }, new long[] { 4, 6 }, data);
        await ZarrMetadataWriter.WriteArrayAsync(store, "sst", meta);
        return (store, await ZarrArrayReader.OpenAsync(store, "sst"));
    }

    private static async Task CorruptAsync(MemoryStore store, string key, Func<byte[], byte[]> change)
    {
        using var value = await store.GetAsync(new StoreKey(key));
        await store.SetAsync(new StoreKey(key), change(value!.Memory.ToArray()));
    }

    [Fact]
    public async Task Bad_crc32c_names_array_chunk_and_codec()
    {
        var (store, reader) = await WriteAsync(ZarrFormat.V3, new ZstdCodec(1), Crc32cCodec.Instance);
        await CorruptAsync(store, "sst/c/1/0", b => { b[2] ^= 0x40; return b; });
        var e = await Assert.ThrowsAsync<ZarrChunkException>(async () => await reader.ReadChunkAsync(new long[] { 1, 0 }));
        Assert.StartsWith("sst/c/1/0: crc32c: checksum mismatch", e.Message);
        Assert.Equal("sst/c/1/0", e.ChunkKey);
        using var fine = await reader.ReadChunkAsync(new long[] { 0, 0 });
    }

    [Fact]
    public async Task Truncated_blosc_frame_names_array_chunk_and_codec()
    {
        var (store, reader) = await WriteAsync(ZarrFormat.V2, new BloscCodec("lz4", 5, BloscShuffle.Shuffle, 4));
        await CorruptAsync(store, "sst/0.1", b => b[..(b.Length - 5)]);
        var e = await Assert.ThrowsAsync<ZarrChunkException>(async () => await reader.ReadChunkAsync(new long[] { 0, 1 }));
        Assert.StartsWith("sst/0.1: blosc: truncated frame", e.Message);
        await CorruptAsync(store, "sst/1.1", b => b[..7]);
        e = await Assert.ThrowsAsync<ZarrChunkException>(async () => await reader.ReadChunkAsync(new long[] { 1, 1 }));
        Assert.StartsWith("sst/1.1: blosc: 7 bytes is shorter", e.Message);
    }

    [Fact]
    public async Task Wrong_decoded_size_names_array_and_chunk()
    {
        var (store, reader) = await WriteAsync(ZarrFormat.V2, new ZstdCodec(1));
        // A valid zstd frame of the wrong length (20 bytes instead of 2x3 float32 = 24).
        using var wrong = new ZstdCodec(1).Encode(new byte[20], new ChunkSpec([5], DataType.Float32));
        await store.SetAsync(new StoreKey("sst/1.0"), wrong.Memory);
        var e = await Assert.ThrowsAsync<ZarrChunkException>(async () => await reader.ReadChunkAsync(new long[] { 1, 0 }));
        Assert.StartsWith("sst/1.0: bytes: cannot decode 20 bytes", e.Message);
    }

    [Fact]
    public async Task Garbage_gzip_and_zstd_name_the_codec()
    {
        var (store, reader) = await WriteAsync(ZarrFormat.V3, new GzipCodec(1));
        await store.SetAsync(new StoreKey("sst/c/0/0"), new byte[] { 1, 2, 3, 4, 5 });
        var e = await Assert.ThrowsAsync<ZarrChunkException>(async () => await reader.ReadChunkAsync(new long[] { 0, 0 }));
        Assert.StartsWith("sst/c/0/0: gzip: ", e.Message);

        var (zstore, zreader) = await WriteAsync(ZarrFormat.V2, new ZstdCodec(1));
        await zstore.SetAsync(new StoreKey("sst/0.0"), new byte[] { 1, 2, 3, 4, 5 });
        e = await Assert.ThrowsAsync<ZarrChunkException>(async () => await zreader.ReadChunkAsync(new long[] { 0, 0 }));
        Assert.StartsWith("sst/0.0: zstd: ", e.Message);
    }

    [Fact]
    public async Task Wrong_size_input_to_the_writer_names_the_chunk()
    {
        var writer = new ZarrArrayWriter(new MemoryStore(), "sst", new ZarrArrayMetadata(ZarrFormat.V3, [4], [2], DataType.Int16));
        var e = await Assert.ThrowsAsync<ZarrChunkException>(async () => await writer.WriteChunkAsync(new long[] { 1 }, new byte[3]));
        Assert.StartsWith("sst/c/1: ", e.Message);
    }

    [Fact]
    public async Task Missing_array_names_the_document()
    {
        var e = await Assert.ThrowsAsync<ZarrMetadataException>(async () => await ZarrArrayReader.OpenAsync(new MemoryStore(), "nothing"));
        Assert.StartsWith("nothing/.zarray: no Zarr array", e.Message);
    }
}
