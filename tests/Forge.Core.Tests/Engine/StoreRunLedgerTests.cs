using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Forge.Core.Execution;
using Forge.Core.Storage;

namespace Forge.Core.Tests.Engine;

public sealed class StoreRunLedgerTests
{
    private static RunIdentity Identity(string recipeId = "r", string chunks = "[4, 18, 36]", string sha = "aa", long size = 100, int inputs = 2) => new(
        recipeId,
        "zarr-v3",
        ImmutableSortedDictionary.Create<string, JsonObject>(StringComparer.Ordinal)
            .Add("sst", JsonNode.Parse("{\"zarr_format\": 3, \"data_type\": \"int16\", \"chunk_grid\": {\"configuration\": {\"chunk_shape\": " + chunks + "}}}")!.AsObject()),
        new JsonObject { ["title"] = "OISST" },
        [.. Enumerable.Range(0, inputs).Select(i => new InputIdentity($"https://example.org/f{i}.nc", size, i == 0 ? sha.PadRight(64, '0') : new string('b', 64)))]);

    private static async Task<LedgerState> StateAsync(IRunLedger ledger, RunIdentity identity) => (await ledger.InspectAsync(identity, CancellationToken.None)).State;

    [Fact]
    public async Task EmptyThenResumableThenComplete()
    {
        var store = new MemoryStore();
        var ledger = new StoreRunLedger(store);
        Assert.Equal(LedgerState.Empty, await StateAsync(ledger, Identity()));

        await ledger.BeginAsync(Identity(), wipe: false, CancellationToken.None);
        Assert.Equal(LedgerState.Resumable, await StateAsync(ledger, Identity()));
        Assert.False(await ledger.IsDoneAsync("tas/0.0.0", CancellationToken.None));
        await ledger.MarkDoneAsync("tas/0.0.0", CancellationToken.None);
        Assert.True(await ledger.IsDoneAsync("tas/0.0.0", CancellationToken.None));
        Assert.False(await ledger.IsDoneAsync("tas/1.0.0", CancellationToken.None));
        Assert.True(await store.ExistsAsync(new StoreKey(".forge/done/tas/0.0.0")));

        // A new ledger (the rerun) reads the done set back with one listing.
        Assert.True(await new StoreRunLedger(store).IsDoneAsync("tas/0.0.0", CancellationToken.None));

        await ledger.CompleteAsync(CancellationToken.None);
        Assert.Equal(LedgerState.Complete, await StateAsync(ledger, Identity()));
    }

    [Fact]
    public async Task A_run_json_written_by_a_concurrent_shard_between_the_read_and_the_listing_is_not_a_foreign_target()
    {
        // Four shards start at once: one reads no run.json, another creates it, then the first lists the target and
        // finds it. That is a Forge target being begun (seen once in ShardedRunTests), not "not written by Forge".
        var inner = new MemoryStore();
        await new StoreRunLedger(inner).BeginAsync(Identity(), wipe: false, CancellationToken.None);
        var store = new RunJsonFirstMissedStore(inner);

        var (state, detail) = await new StoreRunLedger(store).InspectAsync(Identity(), CancellationToken.None);

        Assert.True(state == LedgerState.Resumable, $"{state}: {detail}");
    }

    /// <summary>Answers the first read of .forge/run.json as absent (it was created right after), like a concurrent shard's write.</summary>
    private sealed class RunJsonFirstMissedStore(IStore inner) : IStore
    {
        private int _missed;

        public string Url => inner.Url;

        public ValueTask<System.Buffers.IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default) =>
            key.Value == ".forge/run.json" && Interlocked.Exchange(ref _missed, 1) == 0 ? ValueTask.FromResult<System.Buffers.IMemoryOwner<byte>?>(null) : inner.GetAsync(key, range, ct);

        public ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default) => inner.ExistsAsync(key, ct);

        public ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default) => inner.SetAsync(key, value, ct);

        public ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default) => inner.DeleteAsync(key, ct);

        public IAsyncEnumerable<StoreKey> ListAsync(string prefix, CancellationToken ct = default) => inner.ListAsync(prefix, ct);
    }

    [Fact]
    public async Task AnIncompatibleRunSaysWhatDiffers()
    {
        var ledger = new StoreRunLedger(new MemoryStore());
        await ledger.BeginAsync(Identity("first"), wipe: false, CancellationToken.None);
        var (state, detail) = await ledger.InspectAsync(Identity("first", chunks: "[8, 18, 36]"), CancellationToken.None);
        Assert.Equal(LedgerState.Incompatible, state);
        Assert.Contains("recipe first (2 inputs)", detail);
        Assert.Contains("array 'sst'", detail);
        Assert.Contains("[4,18,36]", detail);
        Assert.Contains("[8,18,36]", detail);

        (state, detail) = await ledger.InspectAsync(Identity("first", inputs: 3), CancellationToken.None);
        Assert.Equal(LedgerState.Incompatible, state);
        Assert.Contains("1 input(s) not in the store (https://example.org/f2.nc)", detail);
    }

    [Fact]
    public async Task AnInputChangedUnderTheSameUrlIsNamed()
    {
        var ledger = new StoreRunLedger(new MemoryStore());
        await ledger.BeginAsync(Identity(), wipe: false, CancellationToken.None);
        var (state, detail) = await ledger.InspectAsync(Identity(sha: "cc", size: 120), CancellationToken.None);
        Assert.Equal(LedgerState.Incompatible, state);
        Assert.Contains("input https://example.org/f0.nc changed since it was written", detail);
        Assert.Contains("100 → 120", detail);
    }

    [Fact]
    public async Task TheFingerprintIsStableAndIgnoresJsonKeyOrder()
    {
        var a = Identity();
        var reordered = a with { Attributes = new JsonObject { ["title"] = "OISST" } };
        Assert.Equal(a.Fingerprint, reordered.Fingerprint);
        var parsed = RunIdentity.FromJson(a.ToJson());
        Assert.NotNull(parsed);
        Assert.Equal(a.Fingerprint, parsed.Fingerprint);
        Assert.NotEqual(a.Fingerprint, Identity(sha: "cc").Fingerprint);
    }

    [Fact]
    public async Task NonFiniteAttributesAreRecordedAsStrictJsonAndCompareEqual()
    {
        // An input with a NaN/Infinity attribute (valid_max = NaN) made every run fail at BeginAsync: System.Text.Json
        // refuses non-finite numbers, so nothing with such an attribute could be converted.
        var store = new MemoryStore();
        var ledger = new StoreRunLedger(store);
        var nan = Identity() with { Attributes = new JsonObject { ["valid_max"] = double.NaN, ["big"] = new JsonArray(double.PositiveInfinity, double.NegativeInfinity) } };
        await ledger.BeginAsync(nan, wipe: false, CancellationToken.None);
        using var run = await store.GetAsync(new StoreKey(".forge/run.json"));
        var doc = JsonNode.Parse(run!.Memory.Span)!; // strict JSON
        Assert.Equal("NaN", doc["identity"]!["attributes"]!["valid_max"]!.GetValue<string>());
        Assert.Equal(LedgerState.Resumable, await StateAsync(ledger, nan));
        Assert.Equal(nan.Fingerprint, RunIdentity.FromJson(nan.ToJson())!.Fingerprint);
    }

    [Fact]
    public async Task ANonForgeStoreIsIncompatible()
    {
        var store = new MemoryStore();
        await store.SetAsync(new StoreKey(".zgroup"), "{\"zarr_format\": 2}"u8.ToArray());
        var (state, detail) = await new StoreRunLedger(store).InspectAsync(Identity(), CancellationToken.None);
        Assert.Equal(LedgerState.Incompatible, state);
        Assert.Contains(".zgroup", detail);
    }

    [Fact]
    public async Task BeginKeepsAnExistingRunUnlessWiped()
    {
        var store = new MemoryStore();
        var ledger = new StoreRunLedger(store);
        await ledger.BeginAsync(Identity(), wipe: false, CancellationToken.None);
        await ledger.MarkDoneAsync("a/0", CancellationToken.None);
        await store.SetAsync(new StoreKey("a/0"), new byte[] { 1 });
        await ledger.BeginAsync(Identity(), wipe: false, CancellationToken.None);
        Assert.True(await ledger.IsDoneAsync("a/0", CancellationToken.None));

        await ledger.BeginAsync(Identity("new"), wipe: true, CancellationToken.None);
        Assert.False(await ledger.IsDoneAsync("a/0", CancellationToken.None));
        Assert.False(await store.ExistsAsync(new StoreKey("a/0")));
        Assert.Equal(LedgerState.Resumable, await StateAsync(ledger, Identity("new")));
        Assert.Equal(1, store.Count);
    }
}
