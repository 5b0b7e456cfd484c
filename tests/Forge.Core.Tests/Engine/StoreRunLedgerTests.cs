using Forge.Core.Execution;
using Forge.Core.Storage;

namespace Forge.Core.Tests.Engine;

public sealed class StoreRunLedgerTests
{
    private static async Task<LedgerState> StateAsync(IRunLedger ledger, string fingerprint) => (await ledger.InspectAsync(fingerprint, CancellationToken.None)).State;

    [Fact]
    public async Task EmptyThenResumableThenComplete()
    {
        var store = new MemoryStore();
        var ledger = new StoreRunLedger(store);
        Assert.Equal(LedgerState.Empty, await StateAsync(ledger, "fp"));

        await ledger.BeginAsync("fp", "recipe r (2 inputs)", wipe: false, CancellationToken.None);
        Assert.Equal(LedgerState.Resumable, await StateAsync(ledger, "fp"));
        Assert.False(await ledger.IsDoneAsync("tas/0.0.0", CancellationToken.None));
        await ledger.MarkDoneAsync("tas/0.0.0", CancellationToken.None);
        Assert.True(await ledger.IsDoneAsync("tas/0.0.0", CancellationToken.None));
        Assert.False(await ledger.IsDoneAsync("tas/1.0.0", CancellationToken.None));
        Assert.True(await store.ExistsAsync(new StoreKey(".forge/done/tas/0.0.0")));

        await ledger.CompleteAsync(CancellationToken.None);
        Assert.Equal(LedgerState.Complete, await StateAsync(ledger, "fp"));
    }

    [Fact]
    public async Task ADifferentFingerprintIsIncompatibleAndNamesTheRecordedRun()
    {
        var ledger = new StoreRunLedger(new MemoryStore());
        await ledger.BeginAsync("fp-1", "recipe first (3 inputs)", wipe: false, CancellationToken.None);
        var (state, detail) = await ledger.InspectAsync("fp-2", CancellationToken.None);
        Assert.Equal(LedgerState.Incompatible, state);
        Assert.Contains("recipe first (3 inputs)", detail);
    }

    [Fact]
    public async Task ANonForgeStoreIsIncompatible()
    {
        var store = new MemoryStore();
        await store.SetAsync(new StoreKey(".zgroup"), "{\"zarr_format\": 2}"u8.ToArray());
        var (state, detail) = await new StoreRunLedger(store).InspectAsync("fp", CancellationToken.None);
        Assert.Equal(LedgerState.Incompatible, state);
        Assert.Contains(".zgroup", detail);
    }

    [Fact]
    public async Task BeginKeepsAnExistingRunUnlessWiped()
    {
        var store = new MemoryStore();
        var ledger = new StoreRunLedger(store);
        await ledger.BeginAsync("fp", "first", wipe: false, CancellationToken.None);
        await ledger.MarkDoneAsync("a/0", CancellationToken.None);
        await store.SetAsync(new StoreKey("a/0"), new byte[] { 1 });
        await ledger.BeginAsync("fp", "again", wipe: false, CancellationToken.None);
        Assert.True(await ledger.IsDoneAsync("a/0", CancellationToken.None));

        await ledger.BeginAsync("fp-new", "new", wipe: true, CancellationToken.None);
        Assert.False(await ledger.IsDoneAsync("a/0", CancellationToken.None));
        Assert.False(await store.ExistsAsync(new StoreKey("a/0")));
        Assert.Equal(LedgerState.Resumable, await StateAsync(ledger, "fp-new"));
        Assert.Equal(1, store.Count);
    }
}
