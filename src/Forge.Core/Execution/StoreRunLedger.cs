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
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly Lock _doneGate = new();
    private readonly SemaphoreSlim _leaseGate = new(1, 1);
    private Task<ConcurrentDictionary<string, byte>>? _done;
    private TargetLease? _lease;
    private int _leaseHolders;
    private string? _fingerprint;

    public async ValueTask<IAsyncDisposable> AcquireAsync(string purpose, CancellationToken ct)
    {
        await _leaseGate.WaitAsync(ct);
        try
        {
            if (_lease is null)
            {
                _lease = await TargetLease.AcquireAsync(store, purpose, ct);
                // Holding the lease, every partial object in the target is a killed run's.
                if (store is ITemporaryObjectSweeper sweeper) await sweeper.SweepTemporaryObjectsAsync(DateTimeOffset.UtcNow, ct);
            }

            _leaseHolders++;
            return new LeaseHandle(this);
        }
        finally
        {
            _leaseGate.Release();
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
                if (key == TargetLease.Key) continue;
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
        await store.SetAsync(RunKey, Encoding.UTF8.GetBytes(json.ToJsonString(Indented)), ct);
    }

    public async ValueTask<LedgerRecord?> ReadAsync(CancellationToken ct)
    {
        bool replacing = await store.ExistsAsync(ReplacingKey, ct);
        using var run = await store.GetAsync(RunKey, null, ct);
        if (run is null) return replacing ? new LedgerRecord(null, null, false, null, true) : null;
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
        return new LedgerRecord(fingerprint, identity, complete, appendBase, replacing);
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

    public ValueTask CompleteAsync(CancellationToken ct)
    {
        var marker = new JsonObject { ["fingerprint"] = _fingerprint, ["completed"] = DateTimeOffset.UtcNow.ToString("O") };
        return store.SetAsync(CompleteKey, Encoding.UTF8.GetBytes(marker.ToJsonString()), ct);
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
