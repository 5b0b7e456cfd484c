using System.Buffers;
using System.Collections.Concurrent;
using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Core.Planning;
using Forge.Core.Storage;
using Forge.Core.Zarr;

namespace Forge.Core.Execution;

/// <summary>
/// Writes the run's arrays into a Zarr v2 or v3 store: objects as units finish, then (publish) array metadata,
/// the root group with global attributes, and consolidated metadata — in that order, so a reader never sees
/// metadata describing data that is not there.
/// </summary>
/// <param name="codecsFor">The bytes→bytes codecs of an array (recipe codec, per-variable override).</param>
public sealed class ZarrTargetWriter(IStore store, ZarrFormat format, Func<ArrayPlan, IReadOnlyList<IBytesToBytesCodec>> codecsFor) : ITargetWriter
{
    private readonly ConcurrentDictionary<string, ZarrArrayWriter> _writers = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<ZarrArrayReader>>> _readers = new();
    private readonly ConcurrentDictionary<string, ShardingCodec> _sharding = new();

    public string Url => store.Url;

    public ZarrFormat Format => format;

    public ZarrArrayMetadata MetadataFor(ArrayPlan array)
    {
        var v = array.Variable;
        var schema = new VariableSchema(v.Name, v.DataType, v.Dimensions, v.Shape, v.Attributes, v.IsCoordinate);
        var inner = array.ShardShape is null ? null : (IReadOnlyList<long>)array.ChunkShape;
        var storage = new ZarrStorageOptions(array.ObjectShape, codecsFor(array), inner);
        return ZarrVariableEncoding.Build(schema, format, storage);
    }

    public System.Text.Json.Nodes.JsonObject DescribeArray(ArrayPlan array)
    {
        var metadata = MetadataFor(array);
        var doc = metadata.ToJson();
        if (format == ZarrFormat.V2) doc["attributes"] = metadata.ToV2AttributesJson();
        return doc;
    }

    public (string Key, IMemoryOwner<byte>? Encoded) EncodeObject(ArrayPlan array, ReadOnlySpan<long> objectIndex, ReadOnlySpan<byte> decoded)
    {
        var writer = WriterOf(array);
        return (writer.ChunkKey(objectIndex).Value, writer.EncodeChunk(objectIndex, decoded));
    }

    public ValueTask StoreObjectAsync(string key, ReadOnlyMemory<byte> encoded, CancellationToken ct) => store.SetAsync(new StoreKey(key), encoded, ct);

    public async ValueTask ReadStoredAsync(ArrayPlan array, long[] start, long[] count, Memory<byte> destination, CancellationToken ct)
    {
        var reader = await _readers.GetOrAdd(array.Variable.Name, name => new Lazy<Task<ZarrArrayReader>>(() => ZarrArrayReader.OpenAsync(store, name, ct).AsTask())).Value.ConfigureAwait(false);
        if (reader.Metadata.DataType != array.Variable.DataType)
            throw new InvalidOperationException($"{store.Url}: array '{array.Variable.Name}' is stored as {reader.Metadata.DataType}, the plan writes {array.Variable.DataType}");
        await reader.ReadRegionAsync(start, count, destination, ct).ConfigureAwait(false);
    }

    public ValueTask StoreObjectAsync(string key, Stream content, long length, CancellationToken ct) => store.SetFromStreamAsync(new StoreKey(key), content, length, ct);

    public bool TryCreateStreamEncoder(ArrayPlan array, out IBytesStreamEncoder? encoder)
    {
        encoder = null;
        if (array.ShardShape is not null || array.ShardOf is not null) return false;
        var metadata = WriterOf(array).Metadata;
        return StreamEncoding.TryCreate(metadata.CreateCodecChain(), metadata.ChunkSpec.ByteCount, out encoder);
    }

    public string? CreateObjectFile(string key) => store is LocalStore local ? local.CreateTemporaryPath(new StoreKey(key)) : null;

    public void PublishObjectFile(string path, string key)
    {
        if (store is not LocalStore local) throw new NotSupportedException($"{store.Url}: objects are not written in place");
        local.PublishTemporary(path, new StoreKey(key));
    }

    public string ObjectKey(ArrayPlan array, ReadOnlySpan<long> objectIndex) => WriterOf(array.Stored).ChunkKey(objectIndex).Value;

    public IMemoryOwner<byte>? EncodeInnerChunk(ArrayPlan array, ReadOnlySpan<byte> decoded)
    {
        var (sharding, shard) = ShardingOf(array);
        return sharding.EncodeInner(decoded, sharding.InnerSpec(shard));
    }

    public IMemoryOwner<byte> EncodeShardIndex(ArrayPlan array, ReadOnlySpan<long> sizes, out bool atStart)
    {
        var (sharding, shard) = ShardingOf(array);
        atStart = sharding.IndexLocation == ShardIndexLocation.Start;
        return sharding.EncodeIndex(sizes, shard);
    }

    private ZarrArrayWriter WriterOf(ArrayPlan array) =>
        _writers.GetOrAdd(array.Variable.Name, _ => new ZarrArrayWriter(store, array.Variable.Name, MetadataFor(array)));

    private (ShardingCodec Codec, ChunkSpec Shard) ShardingOf(ArrayPlan array)
    {
        var writer = WriterOf(array.Stored);
        var codec = _sharding.GetOrAdd(array.Variable.Name, _ => writer.Metadata.CreateCodecChain().ArrayToBytes as ShardingCodec
            ?? throw new InvalidOperationException($"array '{array.Variable.Name}' is not sharded"));
        return (codec, writer.Metadata.ChunkSpec);
    }

    /// <summary>
    /// Array metadata first (every object it describes is already stored), then the commit point: v3, the root
    /// <c>zarr.json</c> with the global attributes and the inline consolidated metadata, written once; v2, the root
    /// <c>.zattrs</c>, then <c>.zmetadata</c>, then <c>.zgroup</c> (a new store becomes a group only now). A reader of
    /// the consolidated metadata sees the previous version until that one write, and the new one after it.
    /// </summary>
    public ValueTask PublishAsync(RunPlan plan, AttributeSet globalAttributes, CancellationToken ct) => PublishAsync(plan, globalAttributes, null, ct);

    /// <summary>
    /// As <see cref="PublishAsync(RunPlan, AttributeSet, CancellationToken)"/>, with <paramref name="beforeCommit"/> run
    /// after the array metadata and right before the commit point (an append's deferred objects: DeferredObjectsWriter).
    /// </summary>
    public async ValueTask PublishAsync(RunPlan plan, AttributeSet globalAttributes, Func<CancellationToken, ValueTask>? beforeCommit, CancellationToken ct)
    {
        // Every array's documents are written to the store (several at once: each is a durable write of its own, and
        // a file with 1,000 variables has 2,000 of them) and kept in memory, where consolidation reads them back.
        var staged = new MemoryStore();
        await Parallel.ForEachAsync(plan.Arrays, new ParallelOptions { MaxDegreeOfParallelism = MetadataWritesInFlight, CancellationToken = ct }, async (array, token) =>
        {
            var metadata = MetadataFor(array);
            await ZarrMetadataWriter.WriteArrayAsync(staged, array.Variable.Name, metadata, token).ConfigureAwait(false);
            await ZarrMetadataWriter.WriteArrayAsync(store, array.Variable.Name, metadata, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (beforeCommit is not null) await beforeCommit(ct);
        var attributes = ZarrAttributeEncoder.ToJson(globalAttributes);
        // The root group is staged in memory and consolidated from there, so the store receives it once, last.
        await ZarrMetadataWriter.WriteGroupAsync(staged, "", format, attributes, ct);
        if (format == ZarrFormat.V2)
        {
            using var zattrs = await staged.GetAsync(new StoreKey(".zattrs"), null, ct);
            await store.SetAsync(new StoreKey(".zattrs"), zattrs!.Memory, ct);
        }

        // Only the arrays this run wrote: a listing would walk every chunk on S3.
        var arrays = plan.Arrays.Select(a => ZarrPath.Normalize(a.Variable.Name)).ToHashSet(StringComparer.Ordinal);
        await ZarrConsolidation.WriteAsync(new StagedReader(staged, store, arrays), store, format, plan.Arrays.Select(a => a.Variable.Name), ct);
        if (format == ZarrFormat.V2)
        {
            using var zgroup = await staged.GetAsync(new StoreKey(".zgroup"), null, ct);
            await store.SetAsync(new StoreKey(".zgroup"), zgroup!.Memory, ct);
        }
    }

    /// <summary>Array metadata documents written at once when publishing.</summary>
    private const int MetadataWritesInFlight = 4;

    /// <summary>
    /// Reads staged documents first, then the store; the documents of <paramref name="written"/> (the arrays this run
    /// published, all staged) only from the stage, so consolidation reads nothing back from the store for them.
    /// </summary>
    private sealed class StagedReader(MemoryStore staged, IStore store, IReadOnlySet<string> written) : IReadableStore
    {
        public async ValueTask<IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default) =>
            await staged.GetAsync(key, range, ct) ?? (IsWritten(key) ? null : await store.GetAsync(key, range, ct));

        public async ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default) =>
            await staged.ExistsAsync(key, ct) || (!IsWritten(key) && await store.ExistsAsync(key, ct));

        private bool IsWritten(StoreKey key)
        {
            int slash = key.Value.LastIndexOf('/');
            return slash > 0 && written.Contains(key.Value[..slash]);
        }
    }
}
