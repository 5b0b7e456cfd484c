using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Kernels;
using Forge.Core.Storage;

namespace Forge.Core.Codecs;

/// <summary>Where a shard keeps its index of inner chunks.</summary>
public enum ShardIndexLocation
{
    End,
    Start,
}

/// <summary>
/// The v3 <c>sharding_indexed</c> array→bytes codec: a shard is its non-empty inner chunks, each encoded with
/// <see cref="InnerCodecs"/>, plus an index of (offset, nbytes) uint64 pairs in C order encoded with
/// <see cref="IndexCodecs"/>; an empty inner chunk is (2^64-1, 2^64-1). Inner chunks can be read alone via byte ranges.
/// </summary>
public sealed class ShardingCodec : IArrayToBytesCodec
{
    private const ulong Empty = ulong.MaxValue;
    private readonly byte[] _fillElement;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, long> _indexSizes = new();

    /// <param name="fillElement">One element of the array's fill value (little-endian); inner chunks holding only it are not stored.</param>
    public ShardingCodec(IReadOnlyList<long> innerChunkShape, CodecChain innerCodecs, CodecChain? indexCodecs, ShardIndexLocation indexLocation, ReadOnlySpan<byte> fillElement)
    {
        if (innerChunkShape.Any(s => s < 1)) throw new CodecException("sharding_indexed", $"inner chunk_shape [{string.Join(", ", innerChunkShape)}] must be positive");
        InnerChunkShape = [.. innerChunkShape];
        InnerCodecs = innerCodecs;
        IndexCodecs = indexCodecs ?? new CodecChain(Crc32cCodec.Instance);
        IndexLocation = indexLocation;
        _fillElement = fillElement.ToArray();
    }

    public string Name => "sharding_indexed";

    public ImmutableArray<long> InnerChunkShape { get; }

    public CodecChain InnerCodecs { get; }

    public CodecChain IndexCodecs { get; }

    public ShardIndexLocation IndexLocation { get; }

    public JsonObject ToV3Json() => CodecJson.V3(Name, new JsonObject
    {
        ["chunk_shape"] = new JsonArray([.. InnerChunkShape.Select(s => (JsonNode)s)]),
        ["codecs"] = InnerCodecs.ToV3Json(),
        ["index_codecs"] = IndexCodecs.ToV3Json(),
        ["index_location"] = IndexLocation == ShardIndexLocation.End ? "end" : "start",
    });

    /// <summary>Inner chunks per shard along each dimension.</summary>
    public long[] ChunksPerShard(ChunkSpec shard)
    {
        if (shard.Shape.Length != InnerChunkShape.Length)
            throw new CodecException(Name, $"inner chunk_shape has {InnerChunkShape.Length} dimensions but the shard has {shard.Shape.Length}");
        var result = new long[shard.Shape.Length];
        for (var d = 0; d < result.Length; d++)
        {
            if (shard.Shape[d] % InnerChunkShape[d] != 0)
                throw new CodecException(Name, $"inner chunk_shape [{string.Join(", ", InnerChunkShape)}] does not divide the shard shape [{string.Join(", ", shard.Shape)}]");
            result[d] = shard.Shape[d] / InnerChunkShape[d];
        }

        return result;
    }

    public ChunkSpec InnerSpec(ChunkSpec shard) => new([.. InnerChunkShape], shard.DataType);

    private static ChunkSpec IndexSpec(long[] chunksPerShard) => new([.. chunksPerShard, 2], DataType.UInt64);

    /// <summary>The encoded size of the index (16 bytes per inner chunk plus what the index codecs add).</summary>
    public long IndexByteCount(ChunkSpec shard)
    {
        var spec = IndexSpec(ChunksPerShard(shard));
        // The index codecs (bytes, crc32c) have a size independent of the values: measure once per index size.
        return _indexSizes.GetOrAdd(spec.ElementCount, _ =>
        {
            using var probe = PooledBuffer.Rent(spec.ByteCount);
            probe.Span.Clear();
            using var encoded = IndexCodecs.Encode(probe.Span, spec);
            return encoded.Memory.Length;
        });
    }

    /// <summary>The byte range of a stored shard that holds its index.</summary>
    public ByteRange IndexRange(ChunkSpec shard)
    {
        var size = IndexByteCount(shard);
        return IndexLocation == ShardIndexLocation.End ? new ByteRange.Suffix(size) : new ByteRange.Bounded(0, size);
    }

    /// <summary>Decodes an encoded index to (offset, nbytes) pairs per inner chunk, in C order.</summary>
    public ulong[] DecodeIndex(ReadOnlySpan<byte> encodedIndex, ChunkSpec shard)
    {
        var spec = IndexSpec(ChunksPerShard(shard));
        using var raw = IndexCodecs.Decode(encodedIndex, spec);
        var pairs = new ulong[spec.ElementCount];
        for (var i = 0; i < pairs.Length; i++) pairs[i] = BinaryPrimitives.ReadUInt64LittleEndian(raw.Memory.Span[(i * 8)..]);
        return pairs;
    }

    /// <summary>
    /// Encodes one inner chunk (its full inner shape, C order) with <see cref="InnerCodecs"/>, or returns null when it
    /// holds only the fill value (an empty index entry). The engine encodes inner chunks one by one as they complete.
    /// </summary>
    public IMemoryOwner<byte>? EncodeInner(ReadOnlySpan<byte> innerDecoded, ChunkSpec inner) =>
        FillPattern.IsUniform(innerDecoded, _fillElement, inner.DataType) ? null : InnerCodecs.Encode(innerDecoded, inner);

    /// <summary>
    /// The encoded index of a shard whose inner chunks (C order) have the encoded sizes <paramref name="sizes"/>
    /// (negative = empty), stored one after another in C order after the index (index_location start) or before it
    /// (end). Together with the chunks in that order this is exactly what <see cref="Encode"/> produces.
    /// </summary>
    public IMemoryOwner<byte> EncodeIndex(ReadOnlySpan<long> sizes, ChunkSpec shard)
    {
        var cps = ChunksPerShard(shard);
        var indexSpec = IndexSpec(cps);
        if (sizes.Length != indexSpec.ElementCount / 2)
            throw new CodecException(Name, $"a shard of {indexSpec.ElementCount / 2} inner chunks got {sizes.Length} sizes");
        long offset = IndexLocation == ShardIndexLocation.Start ? IndexByteCount(shard) : 0;
        using var index = PooledBuffer.Rent(indexSpec.ByteCount);
        for (var c = 0; c < sizes.Length; c++)
        {
            var (o, len) = sizes[c] >= 0 ? ((ulong)offset, (ulong)sizes[c]) : (Empty, Empty);
            BinaryPrimitives.WriteUInt64LittleEndian(index.Span[(c * 16)..], o);
            BinaryPrimitives.WriteUInt64LittleEndian(index.Span[(c * 16 + 8)..], len);
            if (sizes[c] >= 0) offset += sizes[c];
        }

        return IndexCodecs.Encode(index.Span, indexSpec);
    }

    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec)
    {
        var cps = ChunksPerShard(spec);
        var inner = InnerSpec(spec);
        var n = checked((int)cps.Aggregate(1L, (a, b) => a * b));
        var es = spec.DataType.ElementSize();
        var encodedChunks = new IMemoryOwner<byte>?[n];
        try
        {
            using (var scratch = PooledBuffer.Rent(inner.ByteCount))
            {
                var origin = new long[cps.Length];
                var zero = new long[cps.Length];
                for (var c = 0; c < n; c++)
                {
                    Unravel(c, cps, origin);
                    for (var d = 0; d < origin.Length; d++) origin[d] *= InnerChunkShape[d];
                    BlockCopy.Copy(decoded, spec.Shape, origin, scratch.Span, inner.Shape, zero, inner.Shape, es);
                    encodedChunks[c] = EncodeInner(scratch.Span, inner);
                }
            }

            var sizes = encodedChunks.Select(e => e is null ? -1L : e.Memory.Length).ToArray();
            using var encodedIndex = EncodeIndex(sizes, spec);
            var total = encodedIndex.Memory.Length + sizes.Where(s => s > 0).Sum();
            var output = PooledBuffer.Rent(total);
            var pos = 0;
            if (IndexLocation == ShardIndexLocation.Start)
            {
                encodedIndex.Memory.Span.CopyTo(output.Span);
                pos = encodedIndex.Memory.Length;
            }

            foreach (var ec in encodedChunks)
            {
                if (ec is null) continue;
                ec.Memory.Span.CopyTo(output.Span[pos..]);
                pos += ec.Memory.Length;
            }

            if (IndexLocation == ShardIndexLocation.End) encodedIndex.Memory.Span.CopyTo(output.Span[pos..]);
            return output;
        }
        finally
        {
            foreach (var ec in encodedChunks) ec?.Dispose();
        }
    }

    public IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec)
    {
        var cps = ChunksPerShard(spec);
        var inner = InnerSpec(spec);
        var indexSize = (int)IndexByteCount(spec);
        if (encoded.Length < indexSize)
            throw new CodecException(Name, $"shard of {encoded.Length} bytes is shorter than its {indexSize}-byte index");
        var index = DecodeIndex(IndexLocation == ShardIndexLocation.End ? encoded[^indexSize..] : encoded[..indexSize], spec);
        var output = PooledBuffer.Rent(spec.ByteCount);
        try
        {
            var es = spec.DataType.ElementSize();
            var origin = new long[cps.Length];
            var zero = new long[cps.Length];
            for (var c = 0; c < index.Length / 2; c++)
            {
                Unravel(c, cps, origin);
                for (var d = 0; d < origin.Length; d++) origin[d] *= InnerChunkShape[d];
                using var chunk = DecodeInner(encoded, index, c, inner);
                BlockCopy.Copy(chunk.Memory.Span, inner.Shape, zero, output.Span, spec.Shape, origin, inner.Shape, es);
            }

            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Decodes inner chunk <paramref name="chunk"/> (C-order number) of a whole stored shard, or its fill when empty.</summary>
    public IMemoryOwner<byte> DecodeInner(ReadOnlySpan<byte> shard, ulong[] index, int chunk, ChunkSpec inner)
    {
        var (offset, nbytes) = (index[2 * chunk], index[2 * chunk + 1]);
        if (offset == Empty && nbytes == Empty) return FillChunk(inner);
        if (offset > (ulong)shard.Length || nbytes > (ulong)shard.Length - offset)
            throw new CodecException(Name, $"index entry {chunk} (offset {offset}, nbytes {nbytes}) lies outside the {shard.Length}-byte shard");
        return InnerCodecs.Decode(shard.Slice((int)offset, (int)nbytes), inner);
    }

    /// <summary>A chunk of the inner shape holding only the fill value.</summary>
    public IMemoryOwner<byte> FillChunk(ChunkSpec inner)
    {
        var fill = PooledBuffer.Rent(inner.ByteCount);
        FillPattern.Fill(fill.Span, _fillElement);
        return fill;
    }

    /// <summary>
    /// Reads one inner chunk of a stored shard with two range requests (index, then the chunk). Returns null when the
    /// shard does not exist; an empty inner chunk decodes to the fill value.
    /// </summary>
    public async ValueTask<IMemoryOwner<byte>?> ReadInnerChunkAsync(IReadableStore store, StoreKey shardKey, ChunkSpec shard, long[] innerIndex, CancellationToken ct = default)
    {
        var index = await ReadIndexAsync(store, shardKey, shard, ct).ConfigureAwait(false);
        if (index is null) return null;
        return await ReadInnerChunkAsync(store, shardKey, shard, index, innerIndex, ct).ConfigureAwait(false);
    }

    /// <summary>Reads and decodes a stored shard's index; null when the shard does not exist.</summary>
    public async ValueTask<ulong[]?> ReadIndexAsync(IReadableStore store, StoreKey shardKey, ChunkSpec shard, CancellationToken ct = default)
    {
        using var raw = await store.GetAsync(shardKey, IndexRange(shard), ct).ConfigureAwait(false);
        if (raw is null) return null;
        var size = IndexByteCount(shard);
        if (raw.Memory.Length != size)
            throw new CodecException(Name, $"index read returned {raw.Memory.Length} bytes, expected {size}");
        return DecodeIndex(raw.Memory.Span, shard);
    }

    /// <summary>Reads one inner chunk given the shard's decoded index.</summary>
    public async ValueTask<IMemoryOwner<byte>> ReadInnerChunkAsync(IReadableStore store, StoreKey shardKey, ChunkSpec shard, ulong[] index, long[] innerIndex, CancellationToken ct = default)
    {
        var cps = ChunksPerShard(shard);
        var inner = InnerSpec(shard);
        long linear = 0;
        for (var d = 0; d < cps.Length; d++)
        {
            if (innerIndex[d] < 0 || innerIndex[d] >= cps[d]) throw new ArgumentOutOfRangeException(nameof(innerIndex));
            linear = linear * cps[d] + innerIndex[d];
        }

        var (offset, nbytes) = (index[2 * linear], index[2 * linear + 1]);
        if (offset == Empty && nbytes == Empty) return FillChunk(inner);
        if (offset > long.MaxValue || nbytes > int.MaxValue)
            throw new CodecException(Name, $"index entry {linear} (offset {offset}, nbytes {nbytes}) is out of range");
        using var raw = await store.GetAsync(shardKey, new ByteRange.Bounded((long)offset, (long)nbytes), ct).ConfigureAwait(false)
            ?? throw new CodecException(Name, $"shard {shardKey} disappeared while reading inner chunk {linear}");
        if (raw.Memory.Length != (int)nbytes)
            throw new CodecException(Name, $"inner chunk {linear} should be {nbytes} bytes at offset {offset}, the shard returned {raw.Memory.Length}");
        return InnerCodecs.Decode(raw.Memory.Span, inner);
    }

    internal static void Unravel(long linear, ReadOnlySpan<long> shape, Span<long> index)
    {
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = linear % shape[d];
            linear /= shape[d];
        }
    }
}
