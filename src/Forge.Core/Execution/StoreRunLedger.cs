using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Storage;

namespace Forge.Core.Execution;

/// <summary>
/// A ledger kept inside the target store: <c>.forge/run.json</c> (fingerprint, recipe), one marker per finished
/// object under <c>.forge/done/</c>, <c>.forge/complete</c> once metadata is published, and
/// <c>.forge/replacing</c> while an <c>--overwrite</c> wipes the target. Zarr readers ignore these keys (no
/// .zarray / zarr.json under them).
/// </summary>
public sealed class StoreRunLedger(IStore store) : IRunLedger
{
    private const string DonePrefix = ".forge/done/";
    private static readonly StoreKey RunKey = new(".forge/run.json");
    private static readonly StoreKey CompleteKey = new(".forge/complete");
    private static readonly StoreKey ReplacingKey = new(".forge/replacing");
    private static readonly StoreKey InputsKey = new(".forge/inputs.json");
    private const string ShardsPrefix = ".forge/shards/";
    private const string PiecesPrefix = ".forge/pieces/";
    private const string Stage1Prefix = ".forge/stage1/";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly Lock _doneGate = new();
    private readonly SemaphoreSlim _leaseGate = new(1, 1);
    private Task<ConcurrentDictionary<string, byte>>? _done;
    private TargetLease? _lease;
    private int _leaseHolders;
    private string? _fingerprint;

    public ValueTask<IAsyncDisposable> AcquireAsync(string purpose, CancellationToken ct) => AcquireAsync(purpose, null, ct);

    public async ValueTask<IAsyncDisposable> AcquireAsync(string purpose, Planning.ShardSlice? shard, CancellationToken ct)
    {
        await _leaseGate.WaitAsync(ct);
        try
        {
            if (_lease is null)
            {
                _lease = shard is null ? await AcquireExclusiveAsync(purpose, ct) : await AcquireShardAsync(purpose, shard, ct);
                // Holding the whole target's lease, every partial object in it is a killed run's (not so for a shard:
                // other shards are writing).
                if (shard is null && store is ITemporaryObjectSweeper sweeper) await sweeper.SweepTemporaryObjectsAsync(DateTimeOffset.UtcNow, ct);
            }

            _leaseHolders++;
            return new LeaseHandle(this);
        }
        finally
        {
            _leaseGate.Release();
        }
    }

    /// <summary>The whole target: <c>.forge/lease</c>, then no shard of a sharded run may be live.</summary>
    private async Task<TargetLease> AcquireExclusiveAsync(string purpose, CancellationToken ct)
    {
        var lease = await TargetLease.AcquireAsync(store, purpose, ct);
        try
        {
            await foreach (var key in store.ListAsync(TargetLease.ShardPrefix, ct))
            {
                if (await TargetLease.LiveHolderAsync(store, key, ct) is { } holder)
                    throw new TargetConflictException($"{store.Url} is in use by a shard of a sharded run ({holder}); wait for the shards to end");
            }

            return lease;
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// One shard: its own lease <c>.forge/leases/shard-K-of-N</c>; refused while a plain run or finalize holds the
    /// target's lease, or a shard of a different N is live (the slices would overlap). Both sides write their lease
    /// before they look for the other, so of a plain run and a shard starting together at least one sees the other.
    /// </summary>
    private async Task<TargetLease> AcquireShardAsync(string purpose, Planning.ShardSlice shard, CancellationToken ct)
    {
        var mine = TargetLease.ShardKey(shard.Index, shard.Count);
        var lease = await TargetLease.AcquireAsync(store, mine, $"{purpose} --shard {shard}", ct);
        try
        {
            if (await TargetLease.LiveHolderAsync(store, TargetLease.Key, ct) is { } holder)
                throw new TargetConflictException($"{store.Url} is in use by another forge run that is not a shard ({holder}); wait for it to end");
            await foreach (var key in store.ListAsync(TargetLease.ShardPrefix, ct))
            {
                if (key == mine || key.Value.EndsWith($"-of-{shard.Count}", StringComparison.Ordinal)) continue;
                if (await TargetLease.LiveHolderAsync(store, key, ct) is { } other)
                    throw new TargetConflictException($"{store.Url} is in use by a shard of another sharded run ({other}); every shard of one run must use the same N (this is --shard {shard})");
            }

            return lease;
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }
    }

    private async ValueTask ReleaseAsync()
    {
        await _leaseGate.WaitAsync();
        try
        {
            if (--_leaseHolders > 0 || _lease is null) return;
            await _lease.DisposeAsync();
            _lease = null;
        }
        finally
        {
            _leaseGate.Release();
        }
    }

    private sealed class LeaseHandle(StoreRunLedger ledger) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? ledger.ReleaseAsync() : ValueTask.CompletedTask;
    }

    public async ValueTask<(LedgerState State, string? Detail)> InspectAsync(RunIdentity identity, CancellationToken ct)
    {
        if (await store.ExistsAsync(ReplacingKey, ct))
            return (LedgerState.Replacing, "an --overwrite of this target was interrupted; this run finishes it");

        using var run = await store.GetAsync(RunKey, null, ct);
        if (run is null)
        {
            await foreach (var key in store.ListAsync("", ct))
            {
                if (key == TargetLease.Key || key.Value.StartsWith(TargetLease.ShardPrefix, StringComparison.Ordinal)) continue;
                // A concurrent shard created run.json after the read above: a Forge target being begun; read it now.
                if (key == RunKey) return await InspectAsync(identity, ct);
                return (LedgerState.Incompatible, $"the target is not empty and was not written by Forge (found '{key}')");
            }

            return (LedgerState.Empty, null);
        }

        JsonObject? doc;
        try
        {
            doc = JsonNode.Parse(run.Memory.Span) as JsonObject;
        }
        catch (JsonException)
        {
            doc = null;
        }

        if (doc?["fingerprint"]?.GetValue<string>() == identity.Fingerprint)
            return await IsCompleteAsync(identity.Fingerprint, ct) ? (LedgerState.Complete, null) : (LedgerState.Resumable, null);

        var description = doc?["description"]?.GetValue<string>() ?? "an unknown run";
        if (RunIdentity.FromJson(doc?["identity"] as JsonObject) is not { } recorded)
            return (LedgerState.Incompatible, $"the target was written by {description} with an older ledger format that cannot be compared");
        var diffs = identity.DifferencesFrom(recorded);
        var shown = diffs.Count == 0 ? "its identity differs" : string.Join("; ", diffs.Take(6)) + (diffs.Count > 6 ? $"; and {diffs.Count - 6} more differences" : "");
        return (LedgerState.Incompatible, $"the target was written by {description}, and {shown}");
    }

    public async ValueTask BeginAsync(RunIdentity identity, bool wipe, CancellationToken ct)
    {
        _fingerprint = identity.Fingerprint;
        if (wipe) await ReplaceAsync(identity.Description, ct);
        if (await store.ExistsAsync(RunKey, ct)) return;
        await WriteRunAsync(identity, null, ct);
    }

    public async ValueTask BeginAppendAsync(RunIdentity identity, AppendBase appendBase, IReadOnlyCollection<string> reopened, CancellationToken ct)
    {
        _fingerprint = identity.Fingerprint;
        // Markers first: while run.json still names the finished run, a missing marker changes nothing; once it names
        // the append, the completion marker (which carries the old fingerprint) no longer counts.
        foreach (var id in reopened) await store.DeleteAsync(DoneKey(id), ct);
        lock (_doneGate) _done = null;
        await WriteRunAsync(identity, appendBase, ct);
    }

    private async ValueTask WriteRunAsync(RunIdentity identity, AppendBase? appendBase, CancellationToken ct)
    {
        var json = new JsonObject
        {
            ["fingerprint"] = identity.Fingerprint,
            ["description"] = identity.Description,
            ["started"] = DateTimeOffset.UtcNow.ToString("O"),
            ["identity"] = identity.ToJson(),
        };
        if (appendBase is not null) json["append_base"] = new JsonObject { ["concat_length"] = appendBase.ConcatLength, ["concat_keys"] = appendBase.ConcatKeys };
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString(Indented));
        // An append replaces the finished run's record (its lease is held, and a shard never starts one).
        if (appendBase is not null || store is not IConditionalWritableStore conditional)
        {
            await store.SetAsync(RunKey, bytes, ct);
            return;
        }

        // Shards of a sharded run start together on an empty target: the first writes run.json, the others must find
        // the same identity there (an input that changed between two shards' downloads is refused, not mixed).
        if (await conditional.SetIfAbsentAsync(RunKey, bytes, ct)) return;
        var (state, detail) = await InspectAsync(identity, ct);
        if (state is not (LedgerState.Resumable or LedgerState.Complete))
            throw new TargetConflictException($"{store.Url}: another run started on this target at the same moment, and {detail ?? "its identity differs"}");
    }

    public async ValueTask<RecordedRun?> ReadAsync(CancellationToken ct)
    {
        bool replacing = await store.ExistsAsync(ReplacingKey, ct);
        using var run = await store.GetAsync(RunKey, null, ct);
        if (run is null) return replacing ? new RecordedRun(null, null, false, null, true) : null;
        JsonObject? doc;
        try
        {
            doc = JsonNode.Parse(run.Memory.Span) as JsonObject;
        }
        catch (JsonException)
        {
            doc = null;
        }

        var fingerprint = doc?["fingerprint"]?.GetValue<string>();
        var identity = RunIdentity.FromJson(doc?["identity"] as JsonObject);
        AppendBase? appendBase = doc?["append_base"] is JsonObject b
            ? new AppendBase(b["concat_length"]!.GetValue<long>(), b["concat_keys"]!.GetValue<int>())
            : null;
        bool complete = fingerprint is not null && await IsCompleteAsync(fingerprint, ct);
        return new RecordedRun(fingerprint, identity, complete, appendBase, replacing);
    }

    public async ValueTask<IReadOnlyList<InputRecord>?> ReadInputsAsync(CancellationToken ct)
    {
        using var bytes = await store.GetAsync(InputsKey, null, ct);
        if (bytes is null) return null;
        try
        {
            return InputRecords.FromJson(JsonNode.Parse(bytes.Memory.Span));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public ValueTask RecordInputsAsync(IReadOnlyList<InputRecord> inputs, CancellationToken ct) =>
        store.SetAsync(InputsKey, Encoding.UTF8.GetBytes(InputRecords.ToJson(inputs).ToJsonString()), ct);

    /// <summary>
    /// The completion marker counts for the run whose fingerprint it carries (an append replaces run.json while the
    /// old marker is still there); a marker without one (older ledgers) counts for whatever run.json names.
    /// </summary>
    private async ValueTask<bool> IsCompleteAsync(string fingerprint, CancellationToken ct)
    {
        using var marker = await store.GetAsync(CompleteKey, null, ct);
        if (marker is null) return false;
        try
        {
            return JsonNode.Parse(marker.Memory.Span) is not JsonObject doc || doc["fingerprint"]?.GetValue<string>() is not { } recorded || recorded == fingerprint;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    /// <summary>
    /// Empties the target of what Forge and Zarr wrote. The marker goes first and leaves last, so a kill at any point
    /// leaves a target the next run recognises as a replacement in progress (never as complete): then the
    /// completion marker, consolidated and other metadata (readers stop seeing the old dataset before its chunks go),
    /// then chunks and the old ledger.
    /// </summary>
    private async Task ReplaceAsync(string description, CancellationToken ct)
    {
        var keys = new List<StoreKey>();
        await foreach (var key in store.ListAsync("", ct)) keys.Add(key);
        var foreign = keys.Where(k => !TargetOwnership.IsOwned(k)).Select(k => k.Value).Order(StringComparer.Ordinal).ToList();
        if (foreign.Count > 0)
        {
            var shown = string.Join(", ", foreign.Take(5).Select(k => $"'{k}'")) + (foreign.Count > 5 ? $" and {foreign.Count - 5} more" : "");
            throw new TargetConflictException(
                $"{store.Url}: --overwrite only replaces what Forge or Zarr wrote, and this target also holds {shown}; nothing was deleted. Move those away or choose another target");
        }

        var marker = new JsonObject { ["description"] = description, ["started"] = DateTimeOffset.UtcNow.ToString("O") };
        await store.SetAsync(ReplacingKey, Encoding.UTF8.GetBytes(marker.ToJsonString(Indented)), ct);
        foreach (var key in keys.Where(k => k != ReplacingKey && k != TargetLease.Key).OrderBy(DeletionRank).ThenBy(k => k.Value, StringComparer.Ordinal))
            await store.DeleteAsync(key, ct);
        lock (_doneGate) _done = null;
        await store.DeleteAsync(ReplacingKey, ct);
    }

    private static int DeletionRank(StoreKey key)
    {
        if (key == CompleteKey) return 0;
        if (key.Value is ".zmetadata" or "zarr.json") return 1;
        if (TargetOwnership.IsMetadata(key)) return 2;
        if (key == RunKey) return 4; // last: until the chunks are gone the target stays recognisably Forge's
        return 3;
    }

    public async ValueTask<bool> IsDoneAsync(string unitId, CancellationToken ct) => (await DoneSetAsync(ct)).ContainsKey(unitId);

    public async ValueTask MarkDoneAsync(string unitId, CancellationToken ct)
    {
        await store.SetAsync(DoneKey(unitId), ReadOnlyMemory<byte>.Empty, ct);
        (await DoneSetAsync(ct)).TryAdd(unitId, 0);
    }

    public async ValueTask MarkDoneAsync(StoredObject stored, CancellationToken ct)
    {
        var receipt = new JsonObject { ["key"] = stored.Key, ["size"] = stored.Size };
        if (stored.Crc32C is { } crc) receipt["crc32c"] = crc.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        await store.SetAsync(DoneKey(stored.Id), Encoding.UTF8.GetBytes(receipt.ToJsonString()), ct);
        (await DoneSetAsync(ct)).TryAdd(stored.Id, 0);
    }

    public ValueTask MarkShardDoneAsync(Planning.ShardSlice shard, long objects, CancellationToken ct)
    {
        var doc = new JsonObject { ["shard"] = shard.ToString(), ["objects"] = objects, ["finished"] = DateTimeOffset.UtcNow.ToString("O") };
        return store.SetAsync(new StoreKey($"{ShardsPrefix}{shard.Index}-of-{shard.Count}"), Encoding.UTF8.GetBytes(doc.ToJsonString()), ct);
    }

    public ValueTask<IReadOnlyList<Planning.ShardSlice>> FinishedShardsAsync(CancellationToken ct) => ShardsUnderAsync(ShardsPrefix, ct);

    public ValueTask MarkPieceDoneAsync(string pieceId, CancellationToken ct) => store.SetAsync(new StoreKey(PiecesPrefix + pieceId), ReadOnlyMemory<byte>.Empty, ct);

    public async ValueTask<IReadOnlySet<string>> DonePiecesAsync(CancellationToken ct)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync(PiecesPrefix, ct)) done.Add(key.Value[PiecesPrefix.Length..]);
        return done;
    }

    public ValueTask MarkStage1ShardDoneAsync(Planning.ShardSlice shard, long pieces, CancellationToken ct)
    {
        var doc = new JsonObject { ["shard"] = shard.ToString(), ["stage"] = 1, ["pieces"] = pieces, ["finished"] = DateTimeOffset.UtcNow.ToString("O") };
        return store.SetAsync(new StoreKey($"{Stage1Prefix}{shard.Index}-of-{shard.Count}"), Encoding.UTF8.GetBytes(doc.ToJsonString()), ct);
    }

    public ValueTask<IReadOnlyList<Planning.ShardSlice>> FinishedStage1ShardsAsync(CancellationToken ct) => ShardsUnderAsync(Stage1Prefix, ct);

    public async ValueTask ForgetPiecesAsync(CancellationToken ct)
    {
        var keys = new List<StoreKey>();
        await foreach (var key in store.ListAsync(PiecesPrefix, ct)) keys.Add(key);
        await foreach (var key in store.ListAsync(Stage1Prefix, ct)) keys.Add(key);
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (key, token) => await store.DeleteAsync(key, token));
        if (store is IEmptyPrefixPruner pruner)
        {
            await pruner.PruneEmptyPrefixAsync(PiecesPrefix, ct);
            await pruner.PruneEmptyPrefixAsync(Stage1Prefix, ct);
        }
    }

    private async ValueTask<IReadOnlyList<Planning.ShardSlice>> ShardsUnderAsync(string prefix, CancellationToken ct)
    {
        var shards = new List<Planning.ShardSlice>();
        await foreach (var key in store.ListAsync(prefix, ct))
        {
            var parts = key.Value[prefix.Length..].Split("-of-");
            if (parts.Length == 2 && Planning.ShardSlice.TryParse($"{parts[0]}/{parts[1]}", out _) is { } s) shards.Add(s);
        }

        return [.. shards.OrderBy(s => s.Count).ThenBy(s => s.Index)];
    }

    /// <summary>What the ledger recorded (for <c>forge verify</c>): run.json's identity and description, and the completion marker.</summary>
    public async ValueTask<LedgerRecord?> ReadRecordAsync(CancellationToken ct)
    {
        using var run = await store.GetAsync(RunKey, null, ct);
        if (run is null) return null;
        JsonObject? doc;
        try
        {
            doc = JsonNode.Parse(run.Memory.Span) as JsonObject;
        }
        catch (JsonException)
        {
            doc = null;
        }

        return new LedgerRecord(
            RunIdentity.FromJson(doc?["identity"] as JsonObject),
            doc?["description"]?.GetValue<string>() ?? "an unknown run",
            doc?["fingerprint"]?.GetValue<string>() is { } fingerprint && await IsCompleteAsync(fingerprint, ct),
            await store.ExistsAsync(ReplacingKey, ct));
    }

    /// <summary>Every done marker with what it recorded (null for a marker without a receipt): one GET per object, for verify only.</summary>
    public async ValueTask<IReadOnlyDictionary<string, StoredObject?>> ReadReceiptsAsync(CancellationToken ct)
    {
        var keys = new List<StoreKey>();
        await foreach (var key in store.ListAsync(DonePrefix, ct)) keys.Add(key);
        var receipts = new ConcurrentDictionary<string, StoredObject?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (key, token) =>
        {
            var id = key.Value[DonePrefix.Length..];
            using var value = await store.GetAsync(key, null, token);
            StoredObject? receipt = null;
            if (value is { Memory.Length: > 0 })
            {
                try
                {
                    if (JsonNode.Parse(value.Memory.Span) is JsonObject o && o["key"]?.GetValue<string>() is { } k && o["size"]?.GetValue<long>() is { } size)
                    {
                        uint? crc = o["crc32c"]?.GetValue<string>() is { } hex ? uint.Parse(hex, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) : null;
                        receipt = new StoredObject(id, k, size, crc);
                    }
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
                {
                    receipt = null;
                }
            }

            receipts[id] = receipt;
        });
        return receipts;
    }


    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        // finalize completes a run it did not begin: the fingerprint is run.json's.
        var fingerprint = _fingerprint ?? (await ReadAsync(ct))?.Fingerprint;
        var marker = new JsonObject { ["fingerprint"] = fingerprint, ["completed"] = DateTimeOffset.UtcNow.ToString("O") };
        await store.SetAsync(CompleteKey, Encoding.UTF8.GetBytes(marker.ToJsonString()), ct);
    }

    /// <summary>The done set, read with one listing of <c>.forge/done/</c> (paged by the store), not a request per object.</summary>
    private Task<ConcurrentDictionary<string, byte>> DoneSetAsync(CancellationToken ct)
    {
        lock (_doneGate) return _done ??= LoadDoneAsync(ct);
    }

    private async Task<ConcurrentDictionary<string, byte>> LoadDoneAsync(CancellationToken ct)
    {
        var done = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync(DonePrefix, ct)) done.TryAdd(key.Value[DonePrefix.Length..], 0);
        return done;
    }

    private static StoreKey DoneKey(string unitId) => new(DonePrefix + unitId);
}
