using System.Buffers;
using Forge.Core.Execution;
using Forge.Core.Storage;
using Forge.Core.Telemetry;
using Forge.Core.Zarr;

namespace Forge.Core.Tests.Engine;

/// <summary>
/// The issue #9 repro: a run killed in its data pass, resumed with a larger memory budget and another worker count,
/// gives a store equal object for object to an uninterrupted run (work identity is the object, not the budget).
/// </summary>
public sealed class BudgetChangeResumeTests
{
    private static async Task<RunSummary> RunAsync(IStore store, RunRequest request)
    {
        var files = RecipeRunnerTests.Files();
        var runner = new RecipeRunner(new MemoryFetcher(files), new MemoryDatasetOpener(files), NullProgressSink.Instance);
        await using var prepared = await runner.PrepareAsync(request, CancellationToken.None);
        var writer = new ZarrTargetWriter(store, ZarrFormat.V2, _ => []);
        return await runner.ExecuteAsync(prepared, writer, new StoreRunLedger(store), CancellationToken.None);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(7, 1)]
    public async Task AKilledRunResumedWithAnotherBudgetAndWorkerCountEqualsAnUninterruptedOne(int objectsBeforeKill, int workers)
    {
        var small = RecipeRunnerTests.Request() with { MaxMemory = 64L << 10, Workers = workers };
        var store = new MemoryStore();
        await Assert.ThrowsAsync<SimulatedKill>(() => RunAsync(KillableStore.AfterDoneMarkers(store, objectsBeforeKill), small));
        await store.DeleteAsync(new StoreKey(".forge/lease")); // the killed process's lease is stale (TargetLeaseTests)
        Assert.False(await store.ExistsAsync(new StoreKey(".forge/complete")));

        var resumed = await RunAsync(store, RecipeRunnerTests.Request() with { MaxMemory = 256L << 20, Workers = workers + 2 });
        Assert.False(resumed.UpToDate);
        Assert.True(resumed.ObjectsSkipped >= 1, "the resume must skip what the killed run finished");

        var fresh = new MemoryStore();
        await RunAsync(fresh, RecipeRunnerTests.Request());
        var expected = await SnapshotAsync(fresh);
        var actual = await SnapshotAsync(store);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var key in expected.Keys.Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal) && !Bytes.IsMetadata(k)))
            Assert.Equal(expected[key], actual[key]);
        await RecipeRunnerTests.AssertDatasetAsync(store, ZarrFormat.V2);
    }

    private static async Task<Dictionary<string, byte[]>> SnapshotAsync(IStore store)
    {
        var all = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync(""))
        {
            if (key.Value is ".forge/run.json" or ".forge/complete") continue; // timestamps
            using var value = await store.GetAsync(key);
            all[key.Value] = value!.Memory.ToArray();
        }

        return all;
    }
}
