using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Core.Execution.Memory;
using Forge.Core.Kernels;
using Forge.Core.Planning;
using Forge.Core.Storage;
using Forge.Core.Zarr;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// The intermediate store of a staged run, beside the target in the same store (local folder or S3 prefix): one Zarr
/// v2 array per streamed array under <c>.forge/intermediate/</c>, its chunks the pieces of <see cref="StagedLayout"/>,
/// compressed with blosc lz4 (fast to write and read back; ENGINE.md). Stage 1 writes pieces, stage 2 assembles
/// objects from them, <c>forge finalize</c> deletes the whole prefix. Zarr readers of the target never see it (no
/// group metadata leads there, and consolidated metadata lists only the target's arrays).
/// </summary>
internal sealed class IntermediateStore
{
    /// <summary>The key prefix of every intermediate array.</summary>
    public const string Prefix = ".forge/intermediate/";

    private readonly IStore _store;
    private readonly Dictionary<string, ZarrArrayWriter> _writers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ZarrArrayReader> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CodecChain> _chains = new(StringComparer.Ordinal);

    public IntermediateStore(IStore store, StagedLayout layout)
    {
        _store = store;
        Layout = layout;
        foreach (var a in layout.Arrays)
        {
            var writer = new ZarrArrayWriter(store, PathOf(a), MetadataFor(a));
            _writers[a.Name] = writer;
            _chains[a.Name] = writer.Metadata.CreateCodecChain();
        }
    }

    public StagedLayout Layout { get; }

    public string Url => $"{_store.Url.TrimEnd('/')}/{Prefix.TrimEnd('/')}";

    /// <summary>Stage 1: the arrays' metadata (every shard writes the same bytes; the last write wins harmlessly).</summary>
    public async ValueTask CreateAsync(CancellationToken ct)
    {
        foreach (var a in Layout.Arrays)
            await ZarrMetadataWriter.WriteArrayAsync(_store, PathOf(a), _writers[a.Name].Metadata, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stage 1: stores a complete piece (the accumulator of <paramref name="array"/>'s object, <paramref name="piece.ConcatStart"/>
    /// on a piece boundary), padded to the full piece shape with zeros as the spill pads; returns its id and stored size.
    /// </summary>
    public async ValueTask<(string Id, long Bytes)> WriteAsync(StagedArray array, ObjectAccumulator piece, MemoryAccount scratch, CancellationToken ct)
    {
        var index = array.PieceAt(piece.Index, piece.ConcatStart);
        var writer = _writers[array.Name];
        var full = array.PieceShape;
        AccountedBuffer? padded = null;
        ReadOnlyMemory<byte> data = piece.Buffer.Memory;
        if (piece.Shape[array.Axis] != full[array.Axis])
        {
            // The array's last piece is shorter than the piece length: zero beyond the array, as a spilled piece is.
            var buffer = await scratch.RentAsync(array.PieceBytes, $"padding piece {array.PieceId(index)}", ct).ConfigureAwait(false);
            buffer.Span.Clear();
            BlockCopy.Copy(piece.Buffer.Span, piece.Shape, new long[full.Length], buffer.Span, [.. full], new long[full.Length], piece.Shape, array.Units.ElementSize);
            padded = buffer;
            data = buffer.Memory;
        }

        try
        {
            using var encoded = writer.EncodeChunk(index, data.Span)!;
            await _store.SetAsync(writer.ChunkKey(index), encoded.Memory, ct).ConfigureAwait(false);
            return (array.PieceId(index), encoded.Memory.Length);
        }
        finally
        {
            ((IDisposable?)padded)?.Dispose();
        }
    }

    /// <summary>Stage 2: reads every piece of an object into its (full-size) buffer; the rest of the buffer is left as is (the caller zeroes edge objects).</summary>
    public async ValueTask<long> AssembleAsync(StagedArray array, ObjectAccumulator target, MemoryAccount scratch, CancellationToken ct)
    {
        await ReaderAsync(array, ct).ConfigureAwait(false); // checks the stored layout is this plan's
        var writer = _writers[array.Name];
        var chain = _chains[array.Name];
        int rank = target.Shape.Length;
        int elem = array.Units.ElementSize;
        var shape = array.PieceShape.ToArray();
        long read = 0;
        foreach (var piece in array.PiecesOf(target.Index))
        {
            using var charge = await scratch.ChargeAsync(array.PieceBytes, $"reading piece {array.PieceId(piece)}", ct).ConfigureAwait(false);
            var key = writer.ChunkKey(piece);
            // A missing piece is an error, never the fill value: the ledger said it was stored (a crash may have lost it).
            using var encoded = await _store.GetAsync(key, null, ct).ConfigureAwait(false)
                ?? throw new TargetConflictException($"{_store.Url}: piece {array.PieceId(piece)} is marked stored in the ledger but '{key}' is missing from the intermediate store; " +
                    $"delete .forge/pieces/{array.PieceId(piece)} and rerun stage 1 of the shard that reads its input (forge run --shard K/N --stage 1), then stage 2");
            using var decoded = chain.Decode(encoded.Memory.Span, writer.Metadata.ChunkSpec);
            var dst = new long[rank];
            dst[array.Axis] = (piece[array.Axis] * array.PieceSteps) - target.ConcatStart;
            BlockCopy.Copy(decoded.Memory.Span, shape, new long[rank], target.Buffer.Span, target.Shape, dst, shape, elem);
            read += array.PieceBytes;
        }

        return read;
    }

    /// <summary>Deletes the intermediate arrays (after publish): one listing of the prefix, then a delete per key, then (local) the empty folders.</summary>
    public static async ValueTask<int> DeleteAllAsync(IStore store, CancellationToken ct)
    {
        var keys = new List<StoreKey>();
        await foreach (var key in store.ListAsync(Prefix, ct).ConfigureAwait(false)) keys.Add(key);
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (key, token) => await store.DeleteAsync(key, token).ConfigureAwait(false)).ConfigureAwait(false);
        // A local target's folders outlive their files; after publish nothing writes here any more.
        if (store is IEmptyPrefixPruner pruner) await pruner.PruneEmptyPrefixAsync(Prefix, ct).ConfigureAwait(false);
        return keys.Count;
    }

    private async ValueTask<ZarrArrayReader> ReaderAsync(StagedArray array, CancellationToken ct)
    {
        lock (_readers)
        {
            if (_readers.TryGetValue(array.Name, out var cached)) return cached;
        }

        var reader = await ZarrArrayReader.OpenAsync(_store, PathOf(array), ct).ConfigureAwait(false);
        var expected = _writers[array.Name].Metadata;
        if (!reader.Metadata.ChunkShape.SequenceEqual(expected.ChunkShape) || !reader.Metadata.Shape.SequenceEqual(expected.Shape) || reader.Metadata.DataType != expected.DataType)
            throw new TargetConflictException($"{Url}/{array.Name}: the intermediate array has shape ({string.Join(", ", reader.Metadata.Shape)}) and chunks ({string.Join(", ", reader.Metadata.ChunkShape)}), " +
                $"but this plan's pieces are ({string.Join(", ", expected.Shape)}) in ({string.Join(", ", expected.ChunkShape)}); stage 1 ran another recipe or inputs");
        lock (_readers) _readers[array.Name] = reader;
        return reader;
    }

    private static string PathOf(StagedArray a) => Prefix + a.Name;

    /// <summary>v2, the target dtype, chunks of one piece, blosc lz4 with byte shuffle, no attributes.</summary>
    private static ZarrArrayMetadata MetadataFor(StagedArray a)
    {
        var v = a.Units.Variable;
        var type = v.DataType;
        if (!CodecRegistry.Default.Names.Contains("blosc"))
            throw new InvalidOperationException("the intermediate store of a staged run needs the blosc codec (lz4), which is not registered in this process");
        var lz4 = CodecRegistry.Default.CreateBytesToBytes("blosc", new JsonObject
        {
            ["cname"] = "lz4",
            ["clevel"] = 1,
            ["shuffle"] = "shuffle",
            ["typesize"] = Math.Max(1, type.ElementSize()),
            ["blocksize"] = 0,
        }, type);
        var schema = new VariableSchema(v.Name, type, v.Dimensions, v.Shape, AttributeSet.Empty, false);
        return ZarrVariableEncoding.Build(schema, ZarrFormat.V2, new ZarrStorageOptions(a.PieceShape, [lz4]));
    }
}
