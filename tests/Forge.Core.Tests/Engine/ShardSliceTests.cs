using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Storage;

namespace Forge.Core.Tests.Engine;

/// <summary>
/// <c>--shard K/N</c>: the slices of an array's objects are disjoint, cover every object, are contiguous along the
/// concat dimension (so a shard reads only its inputs), and depend only on the object grid. The ledger keeps each
/// object's receipt (key, size, CRC-32C) and the finished shards.
/// </summary>
public sealed class ShardSliceTests
{
    private static ArrayPlan Array(string name, long[] shape, long[] chunks, string[] dims) =>
        new(new TargetVariable(name, DataType.Float32, [.. dims], [.. shape], AttributeSet.Empty, false, dims.Contains("time"), 0), [.. chunks], null);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(100)]
    public void Slices_are_disjoint_cover_every_object_and_follow_the_concat_order(int n)
    {
        var arrays = new[]
        {
            Array("sst", [40, 36, 72], [4, 18, 36], ["time", "lat", "lon"]),   // 10 × 2 × 2 objects
            Array("tlast", [36, 40], [18, 3], ["lat", "time"]),               // concat axis not first: 2 × 14
            Array("lat", [36], [36], ["lat"]),                                 // one object, no concat dim
        };
        foreach (var a in arrays)
        {
            var owner = a.ObjectIndices().Select(ix => (Index: ix, Shard: ShardSlice.ShardOf(a, "time", ix, n))).ToList();
            Assert.All(owner, o => Assert.InRange(o.Shard, 0, n - 1));
            for (int k = 0; k < n; k++)
            {
                var slice = new ShardSlice(k, n);
                Assert.Equal(owner.Count(o => o.Shard == k), a.ObjectIndices().Count(ix => slice.Contains(a, "time", ix)));
            }

            // Contiguous along time: a later concat index never belongs to an earlier shard.
            int axis = a.Variable.ConcatAxis("time");
            if (axis < 0) continue;
            var byTime = owner.OrderBy(o => o.Index[axis]).ThenBy(o => o.Shard).ToList();
            for (int i = 1; i < byTime.Count; i++)
            {
                if (byTime[i].Index[axis] > byTime[i - 1].Index[axis])
                    Assert.True(byTime[i].Shard >= byTime[i - 1].Shard, $"{a.Variable.Name}: shard order breaks at concat index {byTime[i].Index[axis]}");
            }

            // Balanced: shard sizes differ by at most one object.
            var sizes = Enumerable.Range(0, n).Select(k => owner.Count(o => o.Shard == k)).ToList();
            if (a.ObjectCount >= n) Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
        }
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    public void Parses_k_of_n(string text, int k, int n) => Assert.Equal(new ShardSlice(k, n), ShardSlice.TryParse(text, out _));

    [Theory]
    [InlineData("4/4")]
    [InlineData("1/0")]
    [InlineData("-1/4")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void Refuses_what_is_not_k_of_n(string text)
    {
        Assert.Null(ShardSlice.TryParse(text, out var error));
        Assert.Contains(text, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ledger_keeps_each_objects_receipt_and_the_finished_shards()
    {
        var store = new MemoryStore();
        var ledger = new StoreRunLedger(store);
        await ledger.MarkDoneAsync(new StoredObject("sst/1.0.0", "sst/c/1/0/0", 1234, 0xdeadbeef), CancellationToken.None);
        await ledger.MarkDoneAsync(new StoredObject("lat/0", "lat/c/0", 0, null), CancellationToken.None);
        await ledger.MarkShardDoneAsync(new ShardSlice(1, 4), 10, CancellationToken.None);
        await ledger.MarkShardDoneAsync(new ShardSlice(0, 4), 11, CancellationToken.None);

        var again = new StoreRunLedger(store);
        Assert.True(await again.IsDoneAsync("sst/1.0.0", CancellationToken.None));
        var receipts = await again.ReadReceiptsAsync(CancellationToken.None);
        Assert.Equal(new StoredObject("sst/1.0.0", "sst/c/1/0/0", 1234, 0xdeadbeef), receipts["sst/1.0.0"]);
        Assert.Equal(new StoredObject("lat/0", "lat/c/0", 0, null), receipts["lat/0"]);
        Assert.Equal([new ShardSlice(0, 4), new ShardSlice(1, 4)], await again.FinishedShardsAsync(CancellationToken.None));
        Assert.True(await store.ExistsAsync(new StoreKey(".forge/shards/1-of-4")));
    }
}
