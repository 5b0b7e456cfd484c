using System.Collections.Immutable;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Storage;
using Forge.Core.Telemetry;
using Forge.Core.Zarr;

namespace Forge.Core.Tests.Engine;

/// <summary>
/// Appends on the in-memory monthly inputs (Jan, Feb, Mar 2000; time chunks of 7, so the 60-day store ends inside a
/// chunk): only new inputs are fetched, the edge object is completed from the store, and a run killed during an
/// append (while forgetting edge objects, or after writing some new ones) is resumed, also when the recipe grew
/// again meanwhile, to a store equal object for object to an uninterrupted run.
/// </summary>
public sealed class AppendResumeTests
{
    private static RunRequest Request(int months) => RecipeRunnerTests.Request() with
    {
        Inputs = [.. RecipeRunnerTests.Request().Inputs.Take(months)],
        Chunking = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 7), 64L << 20, null),
    };

    private static async Task<(RunSummary Summary, string[] Fetched)> RunAsync(IStore store, RunRequest request, ZarrFormat format = ZarrFormat.V3)
    {
        var files = RecipeRunnerTests.Files();
        var fetcher = new MemoryFetcher(files);
        var runner = new RecipeRunner(fetcher, new MemoryDatasetOpener(files), NullProgressSink.Instance);
        var ledger = new StoreRunLedger(store);
        await using var lease = await ledger.AcquireAsync("test", CancellationToken.None);
        await using var prepared = await runner.PrepareAsync(request, CancellationToken.None, ledger);
        var writer = new ZarrTargetWriter(store, format, _ => []);
        var summary = await runner.ExecuteAsync(prepared, writer, ledger, CancellationToken.None);
        return (summary, [.. fetcher.Fetched]);
    }

    [Fact]
    public async Task An_append_fetches_only_the_new_input_and_a_rerun_fetches_nothing()
    {
        var store = new MemoryStore();
        var (_, first) = await RunAsync(store, Request(2));
        Assert.Equal(2, first.Length);

        var (appended, second) = await RunAsync(store, Request(3));
        Assert.Equal(["mem://tas-2000-03.nc"], second);
        Assert.False(appended.UpToDate);

        var (again, third) = await RunAsync(store, Request(3));
        Assert.True(again.UpToDate);
        Assert.Empty(third);
        await AssertEqualsFreshAsync(store);
    }

    [Fact]
    public async Task A_shorter_recipe_is_not_an_append()
    {
        var store = new MemoryStore();
        await RunAsync(store, Request(3));
        var e = await Assert.ThrowsAsync<TargetConflictException>(() => RunAsync(store, Request(2)));
        Assert.Contains("no longer in the recipe", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_append_that_would_change_the_stored_time_encoding_is_refused_saying_so()
    {
        // One January file stores its own "days since 2000-01-01" as int32; with February's other units the store
        // would be re-encoded (int64, one reference): not an append, the store is kept.
        var store = new MemoryStore();
        await RunAsync(store, Request(1));
        var e = await Assert.ThrowsAsync<TargetConflictException>(() => RunAsync(store, Request(2)));
        Assert.Contains("array 'time': 'data_type' \"int32\" recorded, \"int64\" now", e.Message, StringComparison.Ordinal);
        Assert.Contains("--overwrite", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("object")]
    public async Task A_killed_append_resumes_to_the_uninterrupted_store(string point)
    {
        var store = new MemoryStore();
        await RunAsync(store, Request(2));
        var dying = point == "delete" ? KillableStore.AtDelete(store, 0) : KillableStore.AfterDoneMarkers(store, 1);
        await Assert.ThrowsAsync<SimulatedKill>(() => RunAsync(dying, Request(3)));
        await store.DeleteAsync(new StoreKey(".forge/lease")); // the killed process's lease is stale (TargetLeaseTests)
        if (point == "object") Assert.False((await new StoreRunLedger(store).ReadAsync(CancellationToken.None))!.Complete);

        var (resumed, fetched) = await RunAsync(store, Request(3));
        Assert.False(resumed.UpToDate);
        Assert.DoesNotContain("mem://tas-2000-01.nc", fetched);
        await AssertEqualsFreshAsync(store);
        Assert.True((await RunAsync(store, Request(3))).Summary.UpToDate);
    }

    private static async Task AssertEqualsFreshAsync(IStore store)
    {
        var fresh = new MemoryStore();
        await RunAsync(fresh, Request(3));
        var expected = await SnapshotAsync(fresh);
        var actual = await SnapshotAsync(store);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var key in expected.Keys.Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)))
            Assert.True(expected[key].AsSpan().SequenceEqual(actual[key]), $"'{key}' differs from an uninterrupted run");
    }

    private static async Task<Dictionary<string, byte[]>> SnapshotAsync(IStore store)
    {
        var all = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync(""))
        {
            if (key.Value.StartsWith(".forge/", StringComparison.Ordinal) && !key.Value.StartsWith(".forge/done/", StringComparison.Ordinal)) continue; // timestamps
            using var value = await store.GetAsync(key);
            all[key.Value] = value!.Memory.ToArray();
        }

        return all;
    }
}
