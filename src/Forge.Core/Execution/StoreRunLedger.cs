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
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly Lock _doneGate = new();
    private readonly SemaphoreSlim _leaseGate = new(1, 1);
    private Task<ConcurrentDictionary<string, byte>>? _done;
    private TargetLease? _lease;
    private int _leaseHolders;

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
            return await store.ExistsAsync(CompleteKey, ct) ? (LedgerState.Complete, null) : (LedgerState.Resumable, null);

        var description = doc?["description"]?.GetValue<string>() ?? "an unknown run";
        if (RunIdentity.FromJson(doc?["identity"] as JsonObject) is not { } recorded)
            return (LedgerState.Incompatible, $"the target was written by {description} with an older ledger format that cannot be compared");
        var diffs = identity.DifferencesFrom(recorded);
        var shown = diffs.Count == 0 ? "its identity differs" : string.Join("; ", diffs.Take(6)) + (diffs.Count > 6 ? $"; and {diffs.Count - 6} more differences" : "");
        return (LedgerState.Incompatible, $"the target was written by {description}, and {shown}");
    }

    public async ValueTask BeginAsync(RunIdentity identity, bool wipe, CancellationToken ct)
    {
        if (wipe) await ReplaceAsync(identity.Description, ct);
        if (await store.ExistsAsync(RunKey, ct)) return;
        var json = new JsonObject
        {
            ["fingerprint"] = identity.Fingerprint,
            ["description"] = identity.Description,
            ["started"] = DateTimeOffset.UtcNow.ToString("O"),
            ["identity"] = identity.ToJson(),
        };
        await store.SetAsync(RunKey, Encoding.UTF8.GetBytes(json.ToJsonString(Indented)), ct);
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

    public ValueTask CompleteAsync(CancellationToken ct) => store.SetAsync(CompleteKey, Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToString("O")), ct);

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
