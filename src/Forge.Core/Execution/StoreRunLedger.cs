using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Storage;

namespace Forge.Core.Execution;

/// <summary>
/// A ledger kept inside the target store: <c>.forge/run.json</c> (fingerprint, recipe), one marker per finished
/// work unit under <c>.forge/done/</c>, and <c>.forge/complete</c> once metadata is published. Zarr readers ignore
/// these keys (no .zarray / zarr.json under them).
/// </summary>
public sealed class StoreRunLedger(IStore store) : IRunLedger
{
    private static readonly StoreKey RunKey = new(".forge/run.json");
    private static readonly StoreKey CompleteKey = new(".forge/complete");

    public async ValueTask<(LedgerState State, string? Detail)> InspectAsync(string fingerprint, CancellationToken ct)
    {
        using var run = await store.GetAsync(RunKey, null, ct);
        if (run is null)
        {
            await foreach (var key in store.ListAsync("", ct))
                return (LedgerState.Incompatible, $"the target is not empty and was not written by Forge (found '{key}')");
            return (LedgerState.Empty, null);
        }

        var doc = JsonNode.Parse(run.Memory.Span) as JsonObject;
        var recorded = doc?["fingerprint"]?.GetValue<string>();
        if (recorded != fingerprint)
            return (LedgerState.Incompatible, $"the target was written by a different recipe or input list ({doc?["description"]?.GetValue<string>() ?? "unknown"})");
        return await store.ExistsAsync(CompleteKey, ct) ? (LedgerState.Complete, null) : (LedgerState.Resumable, null);
    }

    public async ValueTask BeginAsync(string fingerprint, string description, bool wipe, CancellationToken ct)
    {
        if (wipe)
        {
            var keys = new List<StoreKey>();
            await foreach (var key in store.ListAsync("", ct)) keys.Add(key);
            // Metadata first, so a reader never sees metadata pointing at deleted chunks.
            foreach (var key in keys.OrderBy(k => IsMetadata(k) ? 0 : 1)) await store.DeleteAsync(key, ct);
        }

        if (await store.ExistsAsync(RunKey, ct)) return;
        var json = new JsonObject { ["fingerprint"] = fingerprint, ["description"] = description, ["started"] = DateTimeOffset.UtcNow.ToString("O") };
        await store.SetAsync(RunKey, Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true })), ct);
    }

    private static bool IsMetadata(StoreKey key)
    {
        var name = key.Value[(key.Value.LastIndexOf('/') + 1)..];
        return name is "zarr.json" or ".zarray" or ".zgroup" or ".zattrs" or ".zmetadata";
    }

    public ValueTask<bool> IsDoneAsync(string unitId, CancellationToken ct) => store.ExistsAsync(DoneKey(unitId), ct);

    public ValueTask MarkDoneAsync(string unitId, CancellationToken ct) => store.SetAsync(DoneKey(unitId), ReadOnlyMemory<byte>.Empty, ct);

    public ValueTask CompleteAsync(CancellationToken ct) => store.SetAsync(CompleteKey, Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToString("O")), ct);

    private static StoreKey DoneKey(string unitId) => new(".forge/done/" + unitId);
}
