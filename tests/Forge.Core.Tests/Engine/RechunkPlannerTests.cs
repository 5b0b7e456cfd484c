using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;
using Forge.Core.Planning;
using static Forge.Core.Tests.Engine.Schemas;

namespace Forge.Core.Tests.Engine;

public sealed class RechunkPlannerTests
{
    private const long MiB = 1L << 20;

    /// <summary>A combined dataset: time (n), lat, lon coordinates and float32 tas(time, lat, lon).</summary>
    private static TargetDataset Dataset(long nTime, int nLat, int nLon, DataType type = DataType.Float32)
    {
        var schema = Gridded(nTime, "days since 2000-01-01", nLat, nLon);
        var tas = schema.GetVariable("tas");
        schema = schema with { Variables = schema.Variables.Replace(tas, tas with { DataType = type }) };
        return DatasetCombiner.Combine("time", [Input(0, "a.nc", schema, Range(0, (int)nTime))]);
    }

    private static ChunkingPolicy Explicit(params (string Dim, long Size)[] chunks) =>
        new(chunks.ToImmutableDictionary(c => c.Dim, c => c.Size), 64 * MiB, null);

    [Fact]
    public void ExplicitChunksClampAndDefaultToFullLength()
    {
        var plan = RechunkPlanner.Plan(Dataset(100, 30, 40), Explicit(("time", 7), ("lat", 1000)), null, 1L << 30, 1);
        var tas = plan.GetArray("tas");
        Assert.Equal([7L, 30, 40], tas.ChunkShape.ToArray());
        Assert.Null(tas.ShardShape);
        Assert.Equal([15L, 1, 1], tas.ObjectGrid.ToArray());
        Assert.Equal(15, tas.ObjectCount);
    }

    [Fact]
    public void DimensionCoordinatesAreSingleChunks()
    {
        var plan = RechunkPlanner.Plan(Dataset(100, 30, 40), Explicit(("time", 7), ("lat", 5)), null, 1L << 30, 1);
        Assert.Equal([100L], plan.GetArray("time").ChunkShape.ToArray());
        Assert.Equal([30L], plan.GetArray("lat").ChunkShape.ToArray());
        Assert.Equal([40L], plan.GetArray("lon").ChunkShape.ToArray());
    }

    [Theory]
    [InlineData(1000, 100, 200, 1 * MiB, 13)]   // 80 000 B per step → 13 steps ≤ 1 MiB
    [InlineData(5, 100, 200, 1 * MiB, 5)]       // clamped to the concat length
    [InlineData(1000, 100, 200, 64 * MiB, 838)]
    public void AutoChunksGrowTheConcatChunkToTheByteTarget(long nTime, int nLat, int nLon, long target, long expectedTime)
    {
        var plan = RechunkPlanner.Plan(Dataset(nTime, nLat, nLon), new ChunkingPolicy(null, target, null), null, 1L << 32, 1);
        var tas = plan.GetArray("tas");
        Assert.Equal([expectedTime, nLat, nLon], tas.ChunkShape.ToArray());
        Assert.True(tas.ObjectBytes <= target);
        if (expectedTime < nTime) Assert.True(tas.ObjectBytes + nLat * nLon * 4 > target);
    }

    [Fact]
    public void AutoChunksHalveTheLargestOtherDimensionWhenOneStepIsTooBig()
    {
        // One step is 1000×800×8 = 6.4 MB > 1 MiB: halve lat (largest) until it fits, one step per chunk.
        var plan = RechunkPlanner.Plan(Dataset(10, 1000, 800, DataType.Float64), new ChunkingPolicy(null, 1 * MiB, null), null, 1L << 32, 1);
        var tas = plan.GetArray("tas");
        Assert.Equal(1, tas.ChunkShape[0]);
        Assert.True(tas.ObjectBytes <= 1 * MiB);
        Assert.Equal([1L, 250, 400], tas.ChunkShape.ToArray()); // 1000×800 → 500×800 → 500×400 → 250×400
    }

    [Fact]
    public void ShardsAreMultiplesOfTheChunk()
    {
        var policy = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 5).Add("lat", 10), 64 * MiB,
            ImmutableDictionary<string, long>.Empty.Add("time", 20));
        var plan = RechunkPlanner.Plan(Dataset(100, 30, 40), policy, null, 1L << 30, 1);
        var tas = plan.GetArray("tas");
        Assert.Equal([5L, 10, 40], tas.ChunkShape.ToArray());
        Assert.Equal([20L, 10, 40], tas.ShardShape!.Value.ToArray());
        Assert.Equal([20L, 10, 40], tas.ObjectShape.ToArray());
        Assert.Equal([5L, 3, 1], tas.ObjectGrid.ToArray());

        var bad = policy with { Shards = ImmutableDictionary<string, long>.Empty.Add("time", 12) };
        var ex = Assert.Throws<PlanException>(() => RechunkPlanner.Plan(Dataset(100, 30, 40), bad, null, 1L << 30, 1));
        Assert.Contains("'tas'", ex.Message);
        Assert.Contains("'time'", ex.Message);
    }

    [Fact]
    public void AShardCoveringAShortDimensionIsNotRefusedBecauseTheChunkWasClamped()
    {
        // chunks {time: 24}, shards {time: 240} on a 10-step dataset: the chunk clamps to 10, one shard holds it all.
        var policy = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 24), 64 * MiB, ImmutableDictionary<string, long>.Empty.Add("time", 240));
        var tas = RechunkPlanner.Plan(Dataset(10, 3, 4), policy, null, 1L << 30, 1).GetArray("tas");
        Assert.Equal([10L, 3, 4], tas.ChunkShape.ToArray());
        Assert.Equal(0, tas.ShardShape!.Value[0] % tas.ChunkShape[0]);
        Assert.True(tas.ShardShape!.Value[0] >= 10);
        Assert.Equal(1, tas.ObjectGrid[0]);
    }

    [Fact]
    public void PerVariablePolicyOverrides()
    {
        var perVariable = new Dictionary<string, ChunkingPolicy> { ["tas"] = Explicit(("time", 3)) };
        var plan = RechunkPlanner.Plan(Dataset(100, 30, 40), Explicit(("time", 50)), perVariable, 1L << 30, 1);
        Assert.Equal(3, plan.GetArray("tas").ChunkShape[0]);
    }

    [Fact]
    public void AChunkLargerThanTheWorkerShareIsAPlanErrorNamingTheArray()
    {
        // One chunk = 10×30×40×4 = 48 000 B; budget = 200 000 / (3 × 2) = 33 333 B.
        var ex = Assert.Throws<PlanException>(() => RechunkPlanner.Plan(Dataset(100, 30, 40), Explicit(("time", 10)), null, 200_000, 2));
        Assert.Contains("'tas'", ex.Message);
        Assert.Throws<PlanException>(() => RechunkPlanner.Plan(Dataset(100, 30, 40), Explicit(("time", 10)), null, 1L << 30, 0));
    }

    [Fact]
    public void UnitsSplitOuterDimensionsFirstAndStayWithinBudget()
    {
        // Chunks (1, 3, 40) of 480 B; budget = 9600 / 3 = 3200 B → 6 chunks along lat per unit at most.
        var plan = RechunkPlanner.Plan(Dataset(4, 30, 40), Explicit(("time", 1), ("lat", 3)), null, 9600, 1);
        Assert.Equal(3200, plan.UnitBudget);
        var tas = plan.Units.Where(u => u.Array == "tas").ToList();
        Assert.All(tas, u => Assert.Equal(1, u.ObjectCounts[0]));
        Assert.All(tas, u => Assert.True(u.ElementCount * 4 <= plan.UnitBudget));
        Assert.Equal(4 * 2, tas.Count); // lat: 10 chunks (4800 B) halved to blocks of 5 (2400 B)
        Assert.Equal([0L, 15, 0], tas[1].Start.ToArray());
        Assert.Equal([1L, 15, 40], tas[1].Count.ToArray());
        Assert.Equal("tas/0.5.0", tas[1].Id);
    }

    [Fact]
    public void AScalarArrayIsOneUnitWithAValidId()
    {
        var ds = Dataset(4, 3, 4);
        var crs = new TargetVariable("crs", DataType.Int32, [], [], AttributeSet.Empty, false, false, 0);
        var plan = RechunkPlanner.Plan(ds with { Variables = ds.Variables.Add(crs) }, ChunkingPolicy.Auto, null, 1L << 30, 1);
        var unit = Assert.Single(plan.Units, u => u.Array == "crs");
        Assert.Equal("crs/0", unit.Id);
        Assert.Equal(1, unit.ElementCount);
    }

    [Fact]
    public void UnitsAreDeterministic()
    {
        var a = RechunkPlanner.Plan(Dataset(50, 30, 40), Explicit(("time", 4), ("lat", 7)), null, 40_000, 2);
        var b = RechunkPlanner.Plan(Dataset(50, 30, 40), Explicit(("time", 4), ("lat", 7)), null, 40_000, 2);
        Assert.Equal(a.Units.Select(u => (u.Id, u.Ordinal)), b.Units.Select(u => (u.Id, u.Ordinal)));
        Assert.Equal(a.Units.Length, a.Units.Select(u => u.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, a.Units.Length), a.Units.Select(u => u.Ordinal));
    }

    [Fact]
    public void UnitsCoverEveryObjectExactlyOnceWithinBudget()
    {
        var gen =
            from nTime in Gen.Choose(1, 40)
            from nLat in Gen.Choose(1, 30)
            from nLon in Gen.Choose(1, 30)
            from cTime in Gen.Choose(1, 12)
            from cLat in Gen.Choose(1, 12)
            from cLon in Gen.Choose(1, 12)
            from shardTime in Gen.Choose(0, 3)
            from workers in Gen.Choose(1, 4)
            from budgetObjects in Gen.Choose(1, 20)
            select (nTime, nLat, nLon, cTime, cLat, cLon, shardTime, workers, budgetObjects);
        Prop.ForAll(gen.ToArbitrary(), p =>
        {
            var shards = p.shardTime == 0 ? null : ImmutableDictionary<string, long>.Empty.Add("time", p.cTime * p.shardTime);
            var policy = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", p.cTime).Add("lat", p.cLat).Add("lon", p.cLon), 64 * MiB, shards);
            var ds = Dataset(p.nTime, p.nLat, p.nLon);
            long largestObject = RechunkPlanner.Plan(ds, policy, null, 1L << 40, p.workers).Arrays.Max(a => a.ObjectBytes);
            long maxMemory = 3L * p.workers * largestObject * p.budgetObjects;
            var plan = RechunkPlanner.Plan(ds, policy, null, maxMemory, p.workers);
            foreach (var array in plan.Arrays)
            {
                var units = plan.Units.Where(u => u.Array == array.Variable.Name).ToList();
                var seen = new HashSet<string>();
                long elements = 0;
                foreach (var u in units)
                {
                    if (u.ElementCount * array.ElementSize > plan.UnitBudget) return false;
                    elements += u.ElementCount;
                    foreach (var index in Objects(u))
                        if (!seen.Add(index)) return false; // overlap
                    for (int i = 0; i < u.Start.Length; i++)
                    {
                        if (u.Start[i] != u.FirstObject[i] * array.ObjectShape[i]) return false;
                        if (u.Start[i] + u.Count[i] > array.Shape[i]) return false;
                    }
                }

                if (seen.Count != array.ObjectCount || elements != array.Shape.Aggregate(1L, (x, y) => x * y)) return false;
                int concatAxis = array.Variable.Dimensions.IndexOf("time");
                if (concatAxis >= 0 && units.Any(u => u.ObjectCounts[concatAxis] != 1)) return false;
            }

            return true;
        }).QuickCheckThrowOnFailure();

        static IEnumerable<string> Objects(WorkUnit u)
        {
            IEnumerable<long[]> acc = [[]];
            for (int i = 0; i < u.FirstObject.Length; i++)
            {
                int axis = i;
                acc = acc.SelectMany(prefix => Enumerable.Range(0, (int)u.ObjectCounts[axis]).Select(k => (long[])[.. prefix, u.FirstObject[axis] + k]));
            }

            return acc.Select(ix => string.Join('.', ix));
        }
    }
}
