using System.Buffers;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Kernels;
using Forge.Core.Storage;

namespace Forge.Core.Zarr;

/// <summary>
/// Reads one Zarr v2 or v3 array: whole chunks (missing → fill value) or any region. Region reads of sharded
/// arrays fetch only the needed inner chunks through byte ranges (index first, then each inner chunk).
/// </summary>
public sealed class ZarrArrayReader
{
    private readonly IReadableStore _store;
    private readonly CodecChain _chain;
    private readonly byte[] _fillElement;

    public ZarrArrayReader(IReadableStore store, string arrayPath, ZarrArrayMetadata metadata)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        Path = ZarrPath.Normalize(arrayPath);
        _chain = metadata.CreateCodecChain();
        _fillElement = metadata.FillValue.ToElementBytes(metadata.DataType);
    }

    public string Path { get; }

    public ZarrArrayMetadata Metadata { get; }

    /// <summary>Opens the array at <paramref name="arrayPath"/>: <c>zarr.json</c> if present, else <c>.zarray</c> (+ <c>.zattrs</c>).</summary>
    public static async ValueTask<ZarrArrayReader> OpenAsync(IReadableStore store, string arrayPath, CancellationToken ct = default, CodecRegistry? registry = null)
    {
        var path = ZarrPath.Normalize(arrayPath);
        var v3Key = ZarrPath.Key(path, "zarr.json");
        using (var v3 = await store.GetAsync(v3Key, null, ct).ConfigureAwait(false))
        {
            if (v3 is not null)
                return new ZarrArrayReader(store, path, ZarrArrayMetadata.Parse(ZarrJson.ParseObject(v3.Memory.Span, v3Key.Value), v3Key.Value, null, registry));
        }

        var v2Key = ZarrPath.Key(path, ".zarray");
        using var zarray = await store.GetAsync(v2Key, null, ct).ConfigureAwait(false)
            ?? throw new ZarrMetadataException(v2Key.Value, $"no Zarr array at '{path}' (neither zarr.json nor .zarray exists)");
        var attrsKey = ZarrPath.Key(path, ".zattrs");
        using var zattrs = await store.GetAsync(attrsKey, null, ct).ConfigureAwait(false);
        var attrs = zattrs is null ? null : ZarrJson.ParseObject(zattrs.Memory.Span, attrsKey.Value);
        return new ZarrArrayReader(store, path, ZarrArrayMetadata.Parse(ZarrJson.ParseObject(zarray.Memory.Span, v2Key.Value), v2Key.Value, attrs, registry));
    }

    /// <summary>The full store key of a chunk.</summary>
    public StoreKey ChunkKey(ReadOnlySpan<long> chunkIndex) => ZarrPath.Key(Path, Metadata.ChunkKey(chunkIndex));

    /// <summary>Reads one full stored chunk (a whole shard when sharded), decoded to C-order little-endian elements.</summary>
    public async ValueTask<IMemoryOwner<byte>> ReadChunkAsync(ReadOnlyMemory<long> chunkIndex, CancellationToken ct = default)
    {
        var key = ChunkKey(chunkIndex.Span);
        var spec = Metadata.ChunkSpec;
        using var encoded = await _store.GetAsync(key, null, ct).ConfigureAwait(false);
        if (encoded is null)
        {
            var fill = PooledBuffer.Rent(spec.ByteCount);
            FillPattern.Fill(fill.Span, _fillElement);
            return fill;
        }

        try
        {
            return _chain.Decode(encoded.Memory.Span, spec);
        }
        catch (CodecException e)
        {
            throw new ZarrChunkException(key.Value, e.Message, e);
        }
    }

    /// <summary>Reads the box <paramref name="start"/>..+<paramref name="count"/> into <paramref name="destination"/> (C order, little-endian).</summary>
    public async ValueTask ReadRegionAsync(ReadOnlyMemory<long> start, ReadOnlyMemory<long> count, Memory<byte> destination, CancellationToken ct = default)
    {
        var rank = Metadata.Rank;
        var s = start.ToArray();
        var c = count.ToArray();
        if (s.Length != rank || c.Length != rank) throw new ArgumentException($"region rank must be {rank} for array '{Path}'");
        for (var d = 0; d < rank; d++)
        {
            if (s[d] < 0 || c[d] < 0 || s[d] + c[d] > Metadata.Shape[d])
                throw new ArgumentOutOfRangeException(nameof(count), $"region [{s[d]}, {s[d] + c[d]}) lies outside dimension {d} (size {Metadata.Shape[d]}) of '{Path}'");
        }

        var es = Metadata.DataType.ElementSize();
        var needed = c.Aggregate(1L, (a, b) => a * b) * es;
        if (destination.Length < needed) throw new ArgumentException($"destination holds {destination.Length} bytes, the region needs {needed}", nameof(destination));
        if (c.Any(x => x == 0)) return;

        // The unit of reading: inner chunks of a sharded array, otherwise stored chunks.
        var unit = Metadata.InnerChunkShape is { } inner ? inner.ToArray() : Metadata.ChunkShape.ToArray();
        var first = s.Select((x, d) => x / unit[d]).ToArray();
        var last = s.Select((x, d) => (x + c[d] - 1) / unit[d]).ToArray();
        var index = (long[])first.Clone();
        var srcStart = new long[rank];
        var dstStart = new long[rank];
        var copy = new long[rank];
        var shardIndexes = new Dictionary<string, ulong[]?>(StringComparer.Ordinal);
        while (true)
        {
            for (var d = 0; d < rank; d++)
            {
                var origin = index[d] * unit[d];
                var lo = Math.Max(origin, s[d]);
                var hi = Math.Min(origin + unit[d], s[d] + c[d]);
                srcStart[d] = lo - origin;
                dstStart[d] = lo - s[d];
                copy[d] = hi - lo;
            }

            using (var block = Metadata.IsSharded ? await ReadInnerChunkAsync(index, shardIndexes, ct).ConfigureAwait(false) : await ReadChunkAsync(index, ct).ConfigureAwait(false))
                BlockCopy.Copy(block.Memory.Span, unit, srcStart, destination.Span, c, dstStart, copy, es);

            var dim = rank - 1;
            for (; dim >= 0; dim--)
            {
                if (++index[dim] <= last[dim]) break;
                index[dim] = first[dim];
            }

            if (dim < 0) return;
        }
    }

    private async ValueTask<IMemoryOwner<byte>> ReadInnerChunkAsync(long[] innerGridIndex, Dictionary<string, ulong[]?> indexes, CancellationToken ct)
    {
        var sharding = (ShardingCodec)_chain.ArrayToBytes;
        var shardSpec = Metadata.ChunkSpec;
        var cps = sharding.ChunksPerShard(shardSpec);
        var shard = innerGridIndex.Select((i, d) => i / cps[d]).ToArray();
        var within = innerGridIndex.Select((i, d) => i % cps[d]).ToArray();
        var key = ChunkKey(shard);
        try
        {
            if (!indexes.TryGetValue(key.Value, out var index))
            {
                index = await sharding.ReadIndexAsync(_store, key, shardSpec, ct).ConfigureAwait(false);
                indexes[key.Value] = index;
            }

            if (index is null) return sharding.FillChunk(sharding.InnerSpec(shardSpec));
            return await sharding.ReadInnerChunkAsync(_store, key, shardSpec, index, within, ct).ConfigureAwait(false);
        }
        catch (CodecException e)
        {
            throw new ZarrChunkException(key.Value, $"inner chunk [{string.Join(", ", within)}]: {e.Message}", e);
        }
    }

    /// <summary>Reads the whole array (small arrays and tests).</summary>
    public async ValueTask<byte[]> ReadAllAsync(CancellationToken ct = default)
    {
        var bytes = new byte[Metadata.Shape.Aggregate(1L, (a, b) => a * b) * Metadata.DataType.ElementSize()];
        await ReadRegionAsync(new long[Metadata.Rank], Metadata.Shape.ToArray(), bytes, ct).ConfigureAwait(false);
        return bytes;
    }
}
