using System.Buffers;
using System.Collections.Concurrent;
using Forge.Core.Datasets;
using Forge.Core.Planning;

namespace Forge.Core.Execution;

/// <summary>
/// An append's objects whose chunk shape changes with the array's length (an array that is one object along the
/// concat dimension, e.g. the time coordinate written as a single chunk): rewriting them in place would break the
/// previous version for every reader until the new metadata is published (the old metadata's chunk shape no longer
/// fits the stored chunk). They are encoded with the rest, held in memory (they are single objects, usually small),
/// and stored only at publish, right before the metadata; their done markers follow, so a kill before then recomputes
/// them and the previous version stays readable for the whole data pass.
/// </summary>
public sealed class DeferredObjectsWriter(ITargetWriter inner, IReadOnlySet<string> deferredKeys) : ITargetWriter
{
    private readonly ConcurrentDictionary<string, byte[]> _staged = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StoredObject> _held = new();

    /// <summary>The keys of an append's objects that must wait for publish: arrays along the concat dim that are one object.</summary>
    public static IReadOnlySet<string> KeysToDefer(RunPlan plan, ITargetWriter writer) =>
        plan.Arrays
            .Where(a => a.ObjectCount == 1 && a.Variable.Dimensions.Contains(plan.Dataset.ConcatDim))
            .Select(a => writer.ObjectKey(a, new long[a.Rank]))
            .ToHashSet(StringComparer.Ordinal);

    public string Url => inner.Url;

    /// <summary>Whether a stored object's done marker waits for publish (see <see cref="MarkHeldDoneAsync"/>).</summary>
    public bool Hold(StoredObject stored)
    {
        if (!deferredKeys.Contains(stored.Key)) return false;
        _held.Enqueue(stored);
        return true;
    }

    /// <summary>After publish: the done markers of the deferred objects.</summary>
    public async ValueTask MarkHeldDoneAsync(IRunLedger ledger, CancellationToken ct)
    {
        while (_held.TryDequeue(out var stored)) await ledger.MarkDoneAsync(stored, ct);
    }

    public (string Key, IMemoryOwner<byte>? Encoded) EncodeObject(ArrayPlan array, ReadOnlySpan<long> objectIndex, ReadOnlySpan<byte> decoded) =>
        inner.EncodeObject(array, objectIndex, decoded);

    public ValueTask StoreObjectAsync(string key, ReadOnlyMemory<byte> encoded, CancellationToken ct)
    {
        if (!deferredKeys.Contains(key)) return inner.StoreObjectAsync(key, encoded, ct);
        _staged[key] = encoded.ToArray(); // the caller's buffer goes back to its pool
        return ValueTask.CompletedTask;
    }

    public async ValueTask StoreObjectAsync(string key, Stream content, long length, CancellationToken ct)
    {
        if (!deferredKeys.Contains(key))
        {
            await inner.StoreObjectAsync(key, content, length, ct);
            return;
        }

        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)length));
        await content.ReadExactlyAsync(bytes, ct);
        _staged[key] = bytes;
    }

    public string ObjectKey(ArrayPlan array, ReadOnlySpan<long> objectIndex) => inner.ObjectKey(array, objectIndex);

    public IMemoryOwner<byte>? EncodeInnerChunk(ArrayPlan array, ReadOnlySpan<byte> decoded) => inner.EncodeInnerChunk(array, decoded);

    public IMemoryOwner<byte> EncodeShardIndex(ArrayPlan array, ReadOnlySpan<long> sizes, out bool atStart) => inner.EncodeShardIndex(array, sizes, out atStart);

    public System.Text.Json.Nodes.JsonObject DescribeArray(ArrayPlan array) => inner.DescribeArray(array);

    public ValueTask ReadStoredAsync(ArrayPlan array, long[] start, long[] count, Memory<byte> destination, CancellationToken ct) =>
        inner.ReadStoredAsync(array, start, count, destination, ct);

    /// <summary>
    /// The metadata with the deferred objects stored right before the commit point (a Zarr writer: after the array
    /// metadata, before the consolidated metadata), so a reader of the consolidated metadata sees the old version with
    /// its old objects until one write later; other writers: the objects first, then their publish.
    /// </summary>
    public async ValueTask PublishAsync(RunPlan plan, AttributeSet globalAttributes, CancellationToken ct)
    {
        if (inner is ZarrTargetWriter zarr)
        {
            await zarr.PublishAsync(plan, globalAttributes, FlushAsync, ct);
            return;
        }

        await FlushAsync(ct);
        await inner.PublishAsync(plan, globalAttributes, ct);
    }

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        foreach (var (key, bytes) in _staged.OrderBy(kv => kv.Key, StringComparer.Ordinal)) await inner.StoreObjectAsync(key, bytes, ct);
        _staged.Clear();
    }
}
