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
    public void CharArraysKeepTheirCharDimensionWholeAndAreNotSharded()
    {
        // Zarr v3 stores char rows as text: a chunk must hold whole rows, and the text codec has no sharded form.
        var schema = Gridded(10, "days since 2000-01-01", 3, 4);
        schema = schema with
        {
            Dimensions = schema.Dimensions.Add(new Dimension("strlen", 8)),
            Variables = schema.Variables.Add(Var("label", DataType.Char, ["time", "strlen"], [10, 8])),
        };
        var ds = DatasetCombiner.Combine("time", [Input(0, "a.nc", schema, Range(0, 10))]);
        var policy = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 2).Add("strlen", 3), 64 * MiB, ImmutableDictionary<string, long>.Empty.Add("time", 10));
        var plan = RechunkPlanner.Plan(ds, policy, null, 1L << 30, 1);
        var label = plan.GetArray("label");
        Assert.Equal([2L, 8], label.ChunkShape.ToArray());
        Assert.Null(label.ShardShape);
        Assert.NotNull(plan.GetArray("tas").ShardShape);
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
    public void AnObjectTheBudgetCanNeverHoldIsAPlanErrorNamingTheArray()
    {
        // One chunk = 10×30×40×4 = 48 000 B: assembling and encoding it cannot fit in 60 000 B.
        var ex = Assert.Throws<PlanException>(() => RechunkPlanner.Plan(Dataset(100, 30, 40), Explicit(("time", 10)), null, 60_000, 2));
        Assert.Contains("'tas'", ex.Message);
        Assert.Contains("max_memory", ex.Message);
        Assert.Throws<PlanException>(() => RechunkPlanner.Plan(Dataset(100, 30, 40), Explicit(("time", 10)), null, 1L << 30, 0));
    }

    [Fact]
    public void AShardLargerThanTheBudgetIsPlannedByItsInnerChunks()
    {
        // Shards are assembled inner chunk by inner chunk: a 480 000 B shard plans within 1 MB (and even within
        // less than the shard), counting 48 000 B inner chunks; only an inner chunk the budget cannot assemble and
        // encode is a plan error, and it names the inner chunk.
        var policy = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 10), 64 * MiB, ImmutableDictionary<string, long>.Empty.Add("time", 100));
        var plan = RechunkPlanner.Plan(Dataset(100, 30, 40), policy, null, 400_000, 1);
        Assert.Equal([100L, 30, 40], plan.GetArray("tas").ObjectShape.ToArray());
        Assert.Equal(["tas/0.0.0"], plan.ObjectIds().Where(id => id.StartsWith("tas/", StringComparison.Ordinal)));
        Assert.True(plan.Schedule.MemoryEstimate <= 400_000);
        var small = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 50), 64 * MiB, ImmutableDictionary<string, long>.Empty.Add("time", 100));
        var ex = Assert.Throws<PlanException>(() => RechunkPlanner.Plan(Dataset(100, 30, 40), small, null, 300_000, 1));
        Assert.Contains("'tas'", ex.Message);
        Assert.Contains("one inner chunk of shape (50, 30, 40)", ex.Message);
    }

    [Fact]
    public void RunStrategyIsHonouredOrRefusedWithAReason()
    {
        // S2 at 256 MiB: one pass cannot hold the open objects; auto picks by cost.
        var ds = Dataset(365, 720, 1440);
        var chunks = Explicit(("time", 365), ("lat", 180), ("lon", 360));
        var single = Assert.Throws<PlanException>(() => RechunkPlanner.Plan(ds, chunks, null, 256 * MiB, 2, RechunkStrategy.SinglePass));
        Assert.Contains("run.strategy single", single.Message);
        Assert.Contains("in one pass", single.Message);
        var passes = RechunkPlanner.Plan(ds, chunks, null, 256 * MiB, 2, RechunkStrategy.MultiPass).Schedule;
        Assert.Equal(RechunkStrategy.MultiPass, passes.Strategy);
        Assert.Equal(0, passes.IntermediateBytes);
        Assert.StartsWith("run.strategy passes: ", passes.Reason, StringComparison.Ordinal);
        var spill = RechunkPlanner.Plan(ds, chunks, null, 256 * MiB, 2, RechunkStrategy.Spill).Schedule;
        Assert.Equal(RechunkStrategy.Spill, spill.Strategy);
        Assert.True(spill.IntermediateBytes > 0);
        // Nothing to spill when every open object fits: spill is then the single pass, and the reason says so.
        var fits = RechunkPlanner.Plan(Dataset(10, 30, 40), Explicit(("time", 10)), null, 1L << 30, 1, RechunkStrategy.Spill).Schedule;
        Assert.Equal(RechunkStrategy.SinglePass, fits.Strategy);
        Assert.Contains("nothing to spill", fits.Reason);
    }

    [Fact]
    public void ChunksSpanningEveryInputRunWithinASmallBudget()
    {
        // The S2 layout: 365 days of 720×1440 float32 into (365, 180, 360) chunks (90 MiB each, 1.4 GiB per row of
        // 16 objects) with max_memory 256 MiB: the old "max_memory / (3 × workers)" refusal is gone.
        var plan = RechunkPlanner.Plan(Dataset(365, 720, 1440), Explicit(("time", 365), ("lat", 180), ("lon", 360)), null, 256 * MiB, 2);
        var s = plan.Schedule;
        Assert.NotEqual(RechunkStrategy.SinglePass, s.Strategy);
        Assert.True(s.MemoryEstimate <= 256 * MiB, $"estimate {s.MemoryEstimate}");
        Assert.True(s.Shares.Accumulators >= s.OpenSetBytes);
        Assert.Equal(16, plan.GetArray("tas").ObjectCount);
        Assert.False(string.IsNullOrWhiteSpace(s.Reason));
        if (s.Strategy == RechunkStrategy.Spill)
        {
            Assert.True(s.IntermediateBytes >= 365L * 720 * 1440 * 4);
            Assert.InRange(s.SpillSteps, 1, 364);
        }
        else
        {
            Assert.True(s.Passes.Length > 1);
        }

        // With 8 GiB the whole row can be open at once: `run.strategy single` gets one pass.
        var big = RechunkPlanner.Plan(Dataset(365, 720, 1440), Explicit(("time", 365), ("lat", 180), ("lon", 360)), null, 8L << 30, 2, RechunkStrategy.SinglePass);
        Assert.Equal(RechunkStrategy.SinglePass, big.Schedule.Strategy);
        Assert.Single(big.Schedule.Passes);
    }

    [Fact]
    public void WhenOnePassFitsTheCheaperOfOnePassAndSpillingIsChosenByTheCostModel()
    {
        // S2 with room for all 16 objects (1.5 GB): one pass touches 1.5 GB of fresh accumulator memory (2.8 s/GB
        // on the benchmark VM); spilling touches a few pieces plus the objects being assembled, and writes 1.5 GB of
        // pieces. When the pieces stay in the page cache (below the kernel's write-back threshold) spilling is
        // cheaper; when every spilled byte goes to the disk, one pass is.
        var ds = Dataset(365, 720, 1440);
        var chunks = Explicit(("time", 365), ("lat", 180), ("lon", 360));
        var cached = PlanCosts.Documented with { WriteBackBytes = 2L << 30 };
        var auto = RechunkPlanner.Plan(ds, chunks, null, 2L << 30, 2, null, cached).Schedule;
        Assert.Equal(RechunkStrategy.Spill, auto.Strategy);
        Assert.True(auto.OpenSetBytes <= 256 * MiB, $"open pieces {auto.OpenSetBytes}");
        // Pieces are at least a reusable large block (2 MiB): 9 steps of 180×360 float32.
        Assert.InRange(auto.SpillSteps, 9, 364);
        Assert.Contains("against one pass", auto.Reason);
        Assert.Contains("first touch", auto.Reason);

        var disk = RechunkPlanner.Plan(ds, chunks, null, 2L << 30, 2, null, PlanCosts.Documented).Schedule;
        Assert.Equal(RechunkStrategy.SinglePass, disk.Strategy);
        Assert.Contains("against spilling", disk.Reason);

        // The plan error of run.strategy single stays a plan error; with room, single is honoured whatever the costs.
        var forced = RechunkPlanner.Plan(ds, chunks, null, 2L << 30, 2, RechunkStrategy.SinglePass, cached).Schedule;
        Assert.Equal(RechunkStrategy.SinglePass, forced.Strategy);
        Assert.StartsWith("run.strategy single: ", forced.Reason, StringComparison.Ordinal);

        // An intermediate larger than the scratch folder's free space is never chosen by cost: one pass at 2 GiB,
        // several passes at 256 MiB, and the plan says why.
        var full = cached with { ScratchFreeBytes = 1L << 30 };
        var noRoom = RechunkPlanner.Plan(ds, chunks, null, 2L << 30, 2, null, full).Schedule;
        Assert.Equal(RechunkStrategy.SinglePass, noRoom.Strategy);
        Assert.Contains("does not fit the 1 GiB free in the scratch folder", noRoom.Reason);
        Assert.Equal(RechunkStrategy.MultiPass, RechunkPlanner.Plan(ds, chunks, null, 256 * MiB, 2, null, full).Schedule.Strategy);

        // Small objects: spilling saves nothing worth its pieces, one pass is kept.
        var small = RechunkPlanner.Plan(Dataset(100, 30, 40), Explicit(("time", 100)), null, 1L << 30, 2, null, cached).Schedule;
        Assert.Equal(RechunkStrategy.SinglePass, small.Strategy);
    }

    [Fact]
    public void ObjectsWhoseBytesCompleteInOrderAreStreamedWhenTheirCodecsCan()
    {
        // S2 with blosc lz4: each object's bytes complete in time order, so every budget streams the encode (a few
        // blocks per object open) instead of holding objects (one pass) or writing pieces to scratch (spill).
        var ds = Dataset(365, 720, 1440);
        var chunks = Explicit(("time", 365), ("lat", 180), ("lon", 360));
        var blosc = new Forge.Native.Compression.BloscCodec("lz4", 5, Forge.Native.Compression.BloscShuffle.Shuffle, 4);
        Func<ArrayPlan, (long Held, long Scratch)?> held = a => Forge.Core.Codecs.StreamEncoding.Memory([blosc], a.ObjectBytes);
        var cached = PlanCosts.Documented with { WriteBackBytes = 2L << 30 };
        foreach (long budget in new[] { 2L << 30, 256 * MiB, 8L << 30 })
        {
            var s = RechunkPlanner.Plan(ds, chunks, null, budget, 2, null, cached, held).Schedule;
            Assert.Equal(RechunkStrategy.Stream, s.Strategy);
            Assert.Single(s.Passes);
            Assert.Equal(0, s.IntermediateBytes);
            Assert.True(s.OpenSetBytes <= 64 * MiB, $"open encoders {s.OpenSetBytes}");
            Assert.True(s.MemoryEstimate <= budget);
            Assert.Contains("block by block", s.Reason);
            Assert.Contains("against ", s.Reason);
            Assert.Contains(budget < (1L << 30) ? "spilling" : "one pass", s.Reason);
        }

        // Other strategies are still honoured when forced; stream is refused with the reason when it cannot be.
        Assert.Equal(RechunkStrategy.Spill, RechunkPlanner.Plan(ds, chunks, null, 256 * MiB, 2, RechunkStrategy.Spill, cached, held).Schedule.Strategy);
        Assert.Equal(RechunkStrategy.MultiPass, RechunkPlanner.Plan(ds, chunks, null, 256 * MiB, 2, RechunkStrategy.MultiPass, cached, held).Schedule.Strategy);
        var gzip = Assert.Throws<PlanException>(() => RechunkPlanner.Plan(ds, chunks, null, 256 * MiB, 2, RechunkStrategy.Stream, cached, a => Forge.Core.Codecs.StreamEncoding.Memory([new Forge.Core.Codecs.GzipCodec(1)], a.ObjectBytes)));
        Assert.StartsWith("run.strategy stream: ", gzip.Message, StringComparison.Ordinal);
        Assert.Contains("the codecs of array 'tas' cannot encode", gzip.Message);
        // Time not outermost: the objects' bytes do not complete in order.
        var inner = Assert.Throws<PlanException>(() => RechunkPlanner.Plan(ds, chunks, null, 256 * MiB, 2, RechunkStrategy.Stream, cached, null));
        Assert.Contains("run.strategy stream", inner.Message);
        // Without the codecs' answer nothing streams: the plans are as before.
        Assert.NotEqual(RechunkStrategy.Stream, RechunkPlanner.Plan(ds, chunks, null, 2L << 30, 2, null, cached).Schedule.Strategy);
    }

    [Fact]
    public void ASpillIsForcedOnlyWhenItMeansSomething()
    {
        var ds = Dataset(100, 30, 40);
        var policy = Explicit(("time", 50), ("lat", 10));
        var spill = RechunkPlanner.Plan(ds, policy, null, 1L << 30, 2, RechunkStrategy.Spill).Schedule;
        // Everything fits at once: pieces would be whole objects, so a single pass is kept.
        Assert.Equal(RechunkStrategy.SinglePass, spill.Strategy);
        // 3 columns of 2 objects of 50×10×40 float32 (80 000 B) do not fit at once; slabs of a few steps fill pieces shorter than objects.
        var tight = RechunkPlanner.Plan(ds, policy, null, 600_000, 1, RechunkStrategy.Spill).Schedule;
        Assert.Equal(RechunkStrategy.Spill, tight.Strategy);
        Assert.InRange(tight.SpillSteps, 1, 49);
        Assert.True(tight.MemoryEstimate <= 600_000);
        Assert.True(tight.OpenSetBytes <= tight.Shares.Accumulators);
    }

    [Fact]
    public void AScalarArrayIsOneObjectWithAValidId()
    {
        var ds = Dataset(4, 3, 4);
        var crs = new TargetVariable("crs", DataType.Int32, [], [], AttributeSet.Empty, false, false, 0);
        var plan = RechunkPlanner.Plan(ds with { Variables = ds.Variables.Add(crs) }, ChunkingPolicy.Auto, null, 1L << 30, 1);
        Assert.Equal(1, plan.GetArray("crs").ObjectCount);
        Assert.Single(plan.ObjectIds(), id => id.StartsWith("crs/", StringComparison.Ordinal));
        Assert.Contains("crs/0", plan.ObjectIds());
    }

    [Fact]
    public void ObjectIdsNameTheGridIndex()
    {
        var plan = RechunkPlanner.Plan(Dataset(4, 30, 40), Explicit(("time", 1), ("lat", 3)), null, 1L << 30, 1);
        var ids = plan.ObjectIds().Where(id => id.StartsWith("tas/", StringComparison.Ordinal)).ToList();
        Assert.Equal(4 * 10, ids.Count);
        Assert.Equal("tas/0.0.0", ids[0]);
        Assert.Contains("tas/3.9.0", ids);
        Assert.Equal(["time/0"], plan.ObjectIds().Where(id => id.StartsWith("time/", StringComparison.Ordinal)));
    }

    [Fact]
    public void ObjectIdsDoNotDependOnTheBudgetOrWorkersAndPassesCoverEveryObjectOnceWithinBudget()
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
            var reference = RechunkPlanner.Plan(ds, policy, null, 1L << 40, 1);
            long largestObject = reference.Arrays.Max(a => a.ObjectBytes);
            // Enough for one object, its encoded copy (pool-rounded, ×2 for shards) and some slack.
            long maxMemory = (8L * largestObject * p.budgetObjects) + (8 * MiB);
            var plan = RechunkPlanner.Plan(ds, policy, null, maxMemory, p.workers);
            if (!plan.ObjectIds().SequenceEqual(reference.ObjectIds())) return false;
            if (plan.ObjectIds().Distinct().Count() != plan.ObjectCount) return false;
            var s = plan.Schedule;
            if (s.MemoryEstimate > maxMemory || s.OpenSetBytes > s.Shares.Accumulators) return false;
            if (s.Strategy == RechunkStrategy.Spill) return true;
            var tas = plan.GetArray("tas");
            var columns = s.Passes.SelectMany(pass => pass.Arrays.Where(a => a.Array == "tas").SelectMany(a => a.Columns)).Select(c => string.Join('.', c)).ToList();
            long expectedColumns = tas.ObjectGrid[1] * tas.ObjectGrid[2];
            return columns.Count == expectedColumns && columns.Distinct().Count() == columns.Count;
        }).QuickCheckThrowOnFailure();
    }
}
