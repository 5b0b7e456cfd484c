using System.Collections.Concurrent;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Storage;
using Forge.Core.Zarr;

namespace Forge.Core.Verification;

/// <summary>
/// The store half of <c>forge verify</c>, without the inputs: the ledger says the run finished, the metadata is the
/// encoding the ledger recorded, every object the metadata promises exists, decodes with the array's codecs and has
/// the size and CRC-32C the run recorded when it stored it, and the ledger marks nothing the metadata does not hold.
/// </summary>
internal sealed class StoreCheck(IStore store, ConcurrentQueue<VerifyFinding> findings)
{
    private void Report(string subject, string message) => findings.Enqueue(new VerifyFinding(subject, message));

    /// <summary>Runs the checks; returns the group (null when the metadata cannot be read) and the number of objects checked.</summary>
    public async Task<(ZarrGroupReader? Group, LedgerRecord? Record, long Objects)> RunAsync(int parallelism, CancellationToken ct)
    {
        var ledger = new StoreRunLedger(store);
        var record = await ledger.ReadRecordAsync(ct).ConfigureAwait(false);
        if (record is null) Report(store.Url, "no ledger (.forge/run.json): the store was not written by forge run, or its run never started writing");
        else if (record.IsReplacing) Report(store.Url, "an --overwrite of this store was interrupted (.forge/replacing): run forge run to finish it");
        else if (!record.IsComplete) Report(store.Url, "the run did not finish (no .forge/complete): rerun forge run (it resumes), or forge finalize after all shards of a sharded run");

        ZarrGroupReader group;
        try
        {
            group = await ZarrGroupReader.OpenAsync(store, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ZarrMetadataException or CodecException or System.Text.Json.JsonException)
        {
            Report(store.Url, $"the Zarr metadata cannot be read: {e.Message}");
            return (null, record, 0);
        }

        if (record?.Identity is { } identity)
        {
            foreach (var name in identity.Arrays.Keys.Where(n => !group.Arrays.ContainsKey(n)))
                Report(name, "array recorded in the ledger is absent from the metadata");
            foreach (var name in group.Arrays.Keys.Where(n => !identity.Arrays.ContainsKey(n)))
                Report(name, "array in the metadata was not written by this run (not in the ledger)");
            foreach (var (name, meta) in group.Arrays)
            {
                if (!identity.Arrays.TryGetValue(name, out var recorded)) continue;
                var now = meta.ToJson();
                if (meta.Format == ZarrFormat.V2) now["attributes"] = meta.ToV2AttributesJson();
                foreach (var diff in RunIdentity.FieldDifferences(recorded, now).Take(3))
                    Report(name, $"metadata differs from what the ledger recorded: {diff}");
            }
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync("", ct).ConfigureAwait(false)) keys.Add(key.Value);
        var receipts = await ledger.ReadReceiptsAsync(ct).ConfigureAwait(false);
        var objects = group.Arrays.SelectMany(a => Indices(a.Value).Select(ix => (Path: a.Key, Meta: a.Value, Index: ix))).ToList();
        var promised = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in objects) promised.Add(ObjectIds.Of(o.Path, o.Index));
        if (record is not null)
        {
            foreach (var id in receipts.Keys.Where(id => !promised.Contains(id)).Order(StringComparer.Ordinal).Take(20))
                Report(id, "marked done in the ledger, but the metadata has no such object");
        }

        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = ct }, async (o, token) =>
        {
            var id = ObjectIds.Of(o.Path, o.Index);
            var key = ZarrPath.Key(ZarrPath.Normalize(o.Path), o.Meta.ChunkKey(o.Index)).Value;
            receipts.TryGetValue(id, out var receipt);
            if (record is not null && !receipts.ContainsKey(id)) Report(key, $"object {id} is not marked done in the ledger (.forge/done/{id})");
            if (!keys.Contains(key))
            {
                // Nothing stored is right only when the run recorded that it stored nothing (an empty chunk).
                if (receipt is not { Size: 0, Crc32C: null }) Report(key, $"object {id} is missing from the store");
                return;
            }

            using var bytes = await store.GetAsync(new StoreKey(key), null, token).ConfigureAwait(false);
            if (bytes is null)
            {
                Report(key, $"object {id} is missing from the store");
                return;
            }

            if (receipt is { Crc32C: { } crc })
            {
                var now = Kernels.Crc32C.Compute(bytes.Memory.Span);
                if (now != crc || bytes.Memory.Length != receipt.Size)
                    Report(key, $"object {id} is not what the run stored: {receipt.Size} bytes with crc32c {crc:x8} recorded, {bytes.Memory.Length} bytes with crc32c {now:x8} now");
            }

            try
            {
                using var decoded = o.Meta.CreateCodecChain().Decode(bytes.Memory.Span, o.Meta.ChunkSpec);
            }
            catch (Exception e) when (e is CodecException or InvalidDataException or ArgumentException or IndexOutOfRangeException)
            {
                Report(key, $"object {id} does not decode: {e.Message}");
            }
        }).ConfigureAwait(false);
        return (group, record, objects.Count);
    }

    /// <summary>Every object (chunk, or shard when sharded) index of an array in C order; a scalar array's one object.</summary>
    private static IEnumerable<long[]> Indices(ZarrArrayMetadata meta) => GridIndices.All(meta.ChunkGridShape);
}
