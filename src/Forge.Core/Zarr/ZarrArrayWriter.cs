using System.Buffers;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Kernels;
using Forge.Core.Storage;

namespace Forge.Core.Zarr;

/// <summary>
/// Encodes and stores chunks of one array. A chunk is always passed at its FULL chunk shape (edge chunks padded),
/// C order, little-endian elements; for sharded arrays a chunk is a whole shard. Thread-safe: chunks may be written
/// concurrently. Metadata is written separately by <see cref="ZarrMetadataWriter"/>.
/// </summary>
public sealed class ZarrArrayWriter
{
    private readonly IWritableStore _store;
    private readonly CodecChain _chain;
    private readonly byte[] _fillElement;

    public ZarrArrayWriter(IWritableStore store, string arrayPath, ZarrArrayMetadata metadata)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        ArgumentNullException.ThrowIfNull(metadata);
        Path = ZarrPath.Normalize(arrayPath);
        metadata.Validate(MetadataKey(Path, metadata.Format));
        Metadata = metadata;
        _chain = metadata.CreateCodecChain();
        _fillElement = metadata.FillValue.ToElementBytes(metadata.DataType);
    }

    public string Path { get; }

    public ZarrArrayMetadata Metadata { get; }

    /// <summary>When set, chunks holding only the fill value are not stored (an existing one is deleted), as zarr's write_empty_chunks=False.</summary>
    public bool SkipEmptyChunks { get; init; }

    /// <summary>How many chunks <see cref="WriteRegionAsync"/> encodes and stores at once (1 = one after another).</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>The full store key of a chunk ("sst/c/0/1/2", "sst/0.1.2").</summary>
    public StoreKey ChunkKey(ReadOnlySpan<long> chunkIndex)
    {
        CheckIndex(chunkIndex);
        return ZarrPath.Key(Path, Metadata.ChunkKey(chunkIndex));
    }

    /// <summary>
    /// Encodes one chunk without storing it (CPU only), or returns null when <see cref="SkipEmptyChunks"/> applies.
    /// The caller owns the result.
    /// </summary>
    public IMemoryOwner<byte>? EncodeChunk(ReadOnlySpan<long> chunkIndex, ReadOnlySpan<byte> decodedChunk)
    {
        var key = ChunkKey(chunkIndex);
        var spec = Metadata.ChunkSpec;
        if (decodedChunk.Length != spec.ByteCount)
            throw new ZarrChunkException(key.Value, $"a full {string.Join('x', spec.Shape)} {spec.DataType} chunk has {spec.ByteCount} bytes, got {decodedChunk.Length}");
        if (SkipEmptyChunks && Metadata.FillValue.Kind != ZarrFillValueKind.Undefined && FillPattern.IsUniform(decodedChunk, _fillElement, Metadata.DataType))
            return null;
        try
        {
            return _chain.Encode(decodedChunk, spec);
        }
        catch (CodecException e)
        {
            throw new ZarrChunkException(key.Value, e.Message, e);
        }
    }

    /// <summary>Encodes and stores one full chunk.</summary>
    public async ValueTask WriteChunkAsync(ReadOnlyMemory<long> chunkIndex, ReadOnlyMemory<byte> decodedChunk, CancellationToken ct = default)
    {
        var key = ChunkKey(chunkIndex.Span);
        using var encoded = EncodeChunk(chunkIndex.Span, decodedChunk.Span);
        if (encoded is null)
        {
            if (SkipEmptyChunks) await _store.DeleteAsync(key, ct).ConfigureAwait(false);
            return;
        }

        await _store.SetAsync(key, encoded.Memory, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a chunk-aligned region (<paramref name="start"/> a multiple of the chunk shape; the end a multiple or the
    /// array's extent). <paramref name="data"/> is the region in C order; edge chunks are padded with the fill value.
    /// </summary>
    public async ValueTask WriteRegionAsync(ReadOnlyMemory<long> start, ReadOnlyMemory<long> count, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        var rank = Metadata.Rank;
        var s = start.ToArray();
        var c = count.ToArray();
        if (s.Length != rank || c.Length != rank) throw new ArgumentException($"region rank must be {rank} for array '{Path}'");
        var es = Metadata.DataType.ElementSize();
        var chunk = Metadata.ChunkShape;
        for (var d = 0; d < rank; d++)
        {
            var end = s[d] + c[d];
            if (s[d] < 0 || c[d] < 0 || end > Metadata.Shape[d])
                throw new ArgumentOutOfRangeException(nameof(count), $"region [{s[d]}, {end}) lies outside dimension {d} (size {Metadata.Shape[d]}) of '{Path}'");
            if (s[d] % chunk[d] != 0 || (end % chunk[d] != 0 && end != Metadata.Shape[d]))
                throw new ArgumentException($"region [{s[d]}, {end}) of dimension {d} of '{Path}' is not aligned to chunks of {chunk[d]}");
        }

        var expected = c.Aggregate(1L, (a, b) => a * b) * es;
        if (data.Length != expected) throw new ArgumentException($"region of {string.Join('x', c)} needs {expected} bytes, got {data.Length}", nameof(data));
        if (c.Any(x => x == 0)) return;

        var first = s.Select((x, d) => x / chunk[d]).ToArray();
        var last = s.Select((x, d) => (x + c[d] - 1) / chunk[d]).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, MaxConcurrency), CancellationToken = ct };
        await Parallel.ForEachAsync(GridIndices.Between(first, last), options, async (index, token) =>
        {
            using var buffer = PooledBuffer.Rent(Metadata.ChunkSpec.ByteCount);
            var srcStart = new long[rank];
            var copy = new long[rank];
            var partial = false;
            for (var d = 0; d < rank; d++)
            {
                var origin = index[d] * chunk[d];
                srcStart[d] = origin - s[d];
                copy[d] = Math.Min(chunk[d], s[d] + c[d] - origin);
                partial |= copy[d] < chunk[d];
            }

            // An edge chunk overhangs the array: pad it with the fill value, as zarr-python does.
            if (partial) FillPattern.Fill(buffer.Span, _fillElement);
            BlockCopy.Copy(data.Span, c, srcStart, buffer.Span, Metadata.ChunkShape.AsSpan(), new long[rank], copy, es);
            await WriteChunkAsync(index, buffer.Memory, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }


    private void CheckIndex(ReadOnlySpan<long> chunkIndex)
    {
        var grid = Metadata.ChunkGridShape;
        if (chunkIndex.Length != grid.Length)
            throw new ArgumentException($"chunk index of rank {chunkIndex.Length} for {grid.Length}-d array '{Path}'", nameof(chunkIndex));
        for (var d = 0; d < grid.Length; d++)
        {
            if (chunkIndex[d] < 0 || chunkIndex[d] >= Math.Max(1, grid[d]))
                throw new ArgumentOutOfRangeException(nameof(chunkIndex), $"chunk index {chunkIndex[d]} outside 0..{grid[d] - 1} in dimension {d} of '{Path}'");
        }
    }

    internal static string MetadataKey(string path, ZarrFormat format) => ZarrPath.Key(path, format == ZarrFormat.V2 ? ".zarray" : "zarr.json").Value;
}
