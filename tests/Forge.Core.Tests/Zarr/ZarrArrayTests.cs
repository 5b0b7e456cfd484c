using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Storage;
using Forge.Core.Zarr;
using Forge.Native.Compression;

namespace Forge.Core.Tests.Zarr;

public sealed class ZarrArrayTests
{
    private static byte[] Floats(int n, Func<int, float> f) => MemoryMarshal.AsBytes(Enumerable.Range(0, n).Select(f).ToArray().AsSpan()).ToArray();

    private static ZarrArrayMetadata Meta(ZarrFormat format, params IBytesToBytesCodec[] codecs) =>
        new(format, [7, 5], [3, 2], DataType.Float32) { FillValue = ZarrFillValue.FromFloat(-1), Codecs = codecs, DimensionNames = ["y", "x"] };

    [Theory]
    [InlineData(ZarrFormat.V2)]
    [InlineData(ZarrFormat.V3)]
    public async Task Region_write_then_any_region_reads_back(ZarrFormat format)
    {
        var store = new MemoryStore();
        var meta = Meta(format, new GzipCodec(1));
        var data = Floats(35, i => i);
        await new ZarrArrayWriter(store, "a", meta).WriteRegionAsync(new long[] { 0, 0 }, new long[] { 7, 5 }, data);
        await ZarrMetadataWriter.WriteArrayAsync(store, "a", meta);
        var reader = await ZarrArrayReader.OpenAsync(store, "a");
        Assert.Equal(data, await reader.ReadAllAsync());
        var box = new byte[3 * 2 * 4];
        await reader.ReadRegionAsync(new long[] { 2, 3 }, new long[] { 3, 2 }, box);
        Assert.Equal([13f, 14f, 18f, 19f, 23f, 24f], MemoryMarshal.Cast<byte, float>(box).ToArray());
        // 3x3 chunk grid; the edge chunk (2,2) is stored at the full 3x2 shape.
        Assert.Equal(9, await CountAsync(store, "a/"));
        Assert.True(await store.ExistsAsync(new StoreKey(format == ZarrFormat.V2 ? "a/2.2" : "a/c/2/2")));
    }

    [Fact]
    public async Task Missing_chunks_read_as_fill_and_empty_chunks_are_skipped()
    {
        var store = new MemoryStore();
        var meta = Meta(ZarrFormat.V3);
        var writer = new ZarrArrayWriter(store, "a", meta) { SkipEmptyChunks = true };
        await writer.WriteChunkAsync(new long[] { 0, 0 }, Floats(6, _ => -1f));
        await writer.WriteChunkAsync(new long[] { 1, 1 }, Floats(6, i => i));
        await ZarrMetadataWriter.WriteArrayAsync(store, "a", meta);
        Assert.False(await store.ExistsAsync(new StoreKey("a/c/0/0")));
        var reader = await ZarrArrayReader.OpenAsync(store, "a");
        var all = MemoryMarshal.Cast<byte, float>(await reader.ReadAllAsync()).ToArray();
        Assert.Equal(-1f, all[0]);
        Assert.Equal(0f, all[3 * 5 + 2]);
        Assert.Equal(3f, all[4 * 5 + 3]); // chunk-local (1, 1) of a 3x2 chunk
        Assert.Equal(-1f, all[34]);
    }

    [Theory]
    [InlineData(ZarrFormat.V2, "s/0")]
    [InlineData(ZarrFormat.V3, "s/c")]
    public async Task Zero_dimensional_arrays_have_one_chunk(ZarrFormat format, string key)
    {
        var store = new MemoryStore();
        var meta = new ZarrArrayMetadata(format, [], [], DataType.Float64) { FillValue = ZarrFillValue.FromFloat(double.NaN) };
        await new ZarrArrayWriter(store, "s", meta).WriteChunkAsync(Array.Empty<long>(), BitConverter.GetBytes(42.5));
        await ZarrMetadataWriter.WriteArrayAsync(store, "s", meta);
        Assert.True(await store.ExistsAsync(new StoreKey(key)));
        Assert.Equal(42.5, BitConverter.ToDouble(await (await ZarrArrayReader.OpenAsync(store, "s")).ReadAllAsync()));
    }

    [Fact]
    public async Task Sharded_region_reads_fetch_only_the_needed_inner_chunks()
    {
        Peers.EnsureNativeCodecs();
        var store = new CountingStore();
        var meta = new ZarrArrayMetadata(ZarrFormat.V3, [8, 8], [4, 8], DataType.Float32)
        {
            FillValue = ZarrFillValue.FromFloat(double.NaN),
            InnerChunkShape = [2, 2],
            Codecs = [new ZstdCodec(1), Crc32cCodec.Instance],
            IndexLocation = ShardIndexLocation.Start,
        };
        var data = Floats(64, i => i);
        await new ZarrArrayWriter(store, "v", meta).WriteRegionAsync(new long[] { 0, 0 }, new long[] { 8, 8 }, data);
        await ZarrMetadataWriter.WriteArrayAsync(store, "v", meta);
        var reader = await ZarrArrayReader.OpenAsync(store, "v");
        store.Gets = 0;
        var box = new byte[4 * 4];
        await reader.ReadRegionAsync(new long[] { 5, 6 }, new long[] { 2, 2 }, box);
        Assert.Equal([46f, 47f, 54f, 55f], MemoryMarshal.Cast<byte, float>(box).ToArray());
        Assert.Equal(3, store.Gets); // one shard index + two inner chunks (rows 5 and 6 straddle two inner chunks)
        Assert.Equal(data, await reader.ReadAllAsync());
        using var shard = await reader.ReadChunkAsync(new long[] { 1, 0 });
        Assert.Equal(data.AsSpan(128, 128).ToArray(), shard.Memory.ToArray());
    }

    [Fact]
    public async Task Region_writes_must_be_chunk_aligned()
    {
        var writer = new ZarrArrayWriter(new MemoryStore(), "a", Meta(ZarrFormat.V2));
        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteRegionAsync(new long[] { 1, 0 }, new long[] { 3, 5 }, new byte[60]));
        Assert.Contains("not aligned", e.Message);
        await writer.WriteRegionAsync(new long[] { 6, 0 }, new long[] { 1, 5 }, new byte[20]); // ends at the array edge
    }

    [Fact]
    public async Task Consolidated_v2_lists_every_document_and_groups_open_without_listing()
    {
        var store = new MemoryStore();
        var meta = Meta(ZarrFormat.V2, new ZlibCodec(1));
        await new ZarrArrayWriter(store, "g/a", meta).WriteRegionAsync(new long[] { 0, 0 }, new long[] { 7, 5 }, Floats(35, i => i));
        await ZarrMetadataWriter.WriteArrayAsync(store, "g/a", meta);
        await ZarrMetadataWriter.WriteGroupAsync(store, "g", ZarrFormat.V2);
        await ZarrMetadataWriter.WriteGroupAsync(store, "", ZarrFormat.V2, new() { ["title"] = "t" });
        await ZarrConsolidation.WriteAsync(store, ZarrFormat.V2);
        using var z = await store.GetAsync(new StoreKey(".zmetadata"));
        var doc = ZarrJson.ParseObject(z!.Memory.Span, ".zmetadata");
        Assert.Equal([".zattrs", ".zgroup", "g/.zgroup", "g/a/.zarray", "g/a/.zattrs"], doc["metadata"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(1, doc["zarr_consolidated_format"]!.GetValue<int>());
        var group = await ZarrGroupReader.OpenAsync(new ReadOnlyView(store));
        Assert.True(group.IsConsolidated);
        Assert.Equal(Floats(35, i => i), await group.OpenArray("g/a").ReadAllAsync());
    }

    private static async Task<int> CountAsync(IListableStore store, string prefix)
    {
        var n = 0;
        await foreach (var key in store.ListAsync("")) if (key.Value.StartsWith(prefix, StringComparison.Ordinal) && !key.Value.Contains(".z") && !key.Value.EndsWith("zarr.json", StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>A memory store that counts reads.</summary>
    private sealed class CountingStore : IStore
    {
        private readonly MemoryStore _inner = new();

        public int Gets { get; set; }

        public string Url => _inner.Url;

        public ValueTask<System.Buffers.IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default)
        {
            Gets++;
            return _inner.GetAsync(key, range, ct);
        }

        public ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default) => _inner.ExistsAsync(key, ct);

        public ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default) => _inner.SetAsync(key, value, ct);

        public ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default) => _inner.DeleteAsync(key, ct);

        public IAsyncEnumerable<StoreKey> ListAsync(string prefix, CancellationToken ct = default) => _inner.ListAsync(prefix, ct);
    }

    /// <summary>Only the readable capability, to prove consolidated groups open without a listing.</summary>
    private sealed class ReadOnlyView(IReadableStore inner) : IReadableStore
    {
        public ValueTask<System.Buffers.IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default) => inner.GetAsync(key, range, ct);

        public ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default) => inner.ExistsAsync(key, ct);
    }
}
