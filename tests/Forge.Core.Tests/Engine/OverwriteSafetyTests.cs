using System.Buffers;
using Forge.Core.Execution;
using Forge.Core.Storage;
using Forge.Core.Telemetry;
using Forge.Core.Zarr;

namespace Forge.Core.Tests.Engine;

/// <summary>
/// <c>--overwrite</c> only removes what Forge or Zarr wrote, and an interrupted replacement is finished by the next
/// run (with or without the flag) instead of being reported as up to date.
/// </summary>
public sealed class OverwriteSafetyTests
{
    private static async Task<RunSummary> RunAsync(IStore store, RunRequest request)
    {
        var files = RecipeRunnerTests.Files();
        var runner = new RecipeRunner(new MemoryFetcher(files), new MemoryDatasetOpener(files), NullProgressSink.Instance);
        await using var prepared = await runner.PrepareAsync(request, CancellationToken.None);
        var writer = new ZarrTargetWriter(store, ZarrFormat.V2, _ => []);
        return await runner.ExecuteAsync(prepared, writer, new StoreRunLedger(store), CancellationToken.None);
    }

    private static async Task<Dictionary<string, byte[]>> SnapshotAsync(IStore store)
    {
        var all = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync(""))
        {
            using var value = await store.GetAsync(key);
            all[key.Value] = value!.Memory.ToArray();
        }

        return all;
    }

    [Theory]
    [InlineData(".git/HEAD")]
    [InlineData("notes.txt")]
    [InlineData("tas/README.md")]
    public async Task OverwriteOfAForgeStoreHoldingAUserFileRefusesAndDeletesNothing(string userFile)
    {
        var store = new MemoryStore();
        await RunAsync(store, RecipeRunnerTests.Request());
        await store.SetAsync(new StoreKey(userFile), "mine"u8.ToArray());
        var before = await SnapshotAsync(store);

        var ex = await Assert.ThrowsAsync<TargetConflictException>(() => RunAsync(store, RecipeRunnerTests.Request("sha-2") with { Overwrite = true }));
        Assert.Contains(userFile, ex.Message);
        Assert.Contains("memory://", ex.Message);
        var after = await SnapshotAsync(store);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, after[kv.Key]));
    }

    [Fact]
    public async Task OverwriteOfAPlainZarrStoreNotWrittenByForgeReplacesIt()
    {
        var store = new MemoryStore();
        await store.SetAsync(new StoreKey(".zgroup"), "{\"zarr_format\": 2}"u8.ToArray());
        await store.SetAsync(new StoreKey("old/.zarray"), "{}"u8.ToArray());
        await store.SetAsync(new StoreKey("old/0.0"), new byte[] { 1 });
        await store.SetAsync(new StoreKey("v3/zarr.json"), "{}"u8.ToArray());
        await store.SetAsync(new StoreKey("v3/c/0/1"), new byte[] { 1 });

        await RunAsync(store, RecipeRunnerTests.Request() with { Overwrite = true });
        var keys = (await SnapshotAsync(store)).Keys;
        Assert.DoesNotContain("old/0.0", keys);
        Assert.DoesNotContain("v3/c/0/1", keys);
        await RecipeRunnerTests.AssertDatasetAsync(store, ZarrFormat.V2);
    }

    /// <summary>
    /// Kills (simulated: the store stops answering) an --overwrite at each point of its wipe; the next run without
    /// --overwrite finishes the replacement and the store equals a fresh run, never "up to date".
    /// </summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(5, false)]
    [InlineData(12, false)]
    [InlineData(25, false)]
    [InlineData(3, true)]
    [InlineData(20, true)]
    public async Task AnInterruptedOverwriteIsFinishedByTheNextRun(int deletesBeforeKill, bool rerunWithOverwrite)
    {
        var store = new MemoryStore();
        await RunAsync(store, RecipeRunnerTests.Request("sha-1"));

        var dying = KillableStore.AtDelete(store, deletesBeforeKill);
        await Assert.ThrowsAsync<SimulatedKill>(() => RunAsync(dying, RecipeRunnerTests.Request("sha-2") with { Overwrite = true }));
        await ForgetKilledLeaseAsync(store);

        var rerun = await RunAsync(store, RecipeRunnerTests.Request("sha-2") with { Overwrite = rerunWithOverwrite });
        Assert.False(rerun.UpToDate, "an interrupted replacement must never be reported as up to date");
        Assert.Equal(0, rerun.ObjectsSkipped);

        var fresh = new MemoryStore();
        await RunAsync(fresh, RecipeRunnerTests.Request("sha-2"));
        var expected = await SnapshotAsync(fresh);
        var actual = await SnapshotAsync(store);
        Assert.Equal(expected.Keys.Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)).Order(),
                     actual.Keys.Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)).Order());
        foreach (var key in expected.Keys.Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal) && !Bytes.IsMetadata(k)))
            Assert.Equal(expected[key], actual[key]);
        await RecipeRunnerTests.AssertDatasetAsync(store, ZarrFormat.V2);
        Assert.True((await RunAsync(store, RecipeRunnerTests.Request("sha-2"))).UpToDate);
    }

    [Fact]
    public async Task AnInterruptedOverwriteIsFinishedEvenByARunOfTheOldRecipe()
    {
        var store = new MemoryStore();
        await RunAsync(store, RecipeRunnerTests.Request("sha-1"));
        await Assert.ThrowsAsync<SimulatedKill>(() => RunAsync(KillableStore.AtDelete(store, 4), RecipeRunnerTests.Request("sha-2") with { Overwrite = true }));
        await ForgetKilledLeaseAsync(store);

        var rerun = await RunAsync(store, RecipeRunnerTests.Request("sha-1"));
        Assert.False(rerun.UpToDate);
        await RecipeRunnerTests.AssertDatasetAsync(store, ZarrFormat.V2);
    }

    /// <summary>A killed process's lease is stale (its pid is gone, see TargetLeaseTests); this process is alive, so drop it.</summary>
    private static async Task ForgetKilledLeaseAsync(IStore store)
    {
        Assert.True(await store.ExistsAsync(new StoreKey(".forge/lease")), "the killed run held the lease");
        await store.DeleteAsync(new StoreKey(".forge/lease"));
    }
}
