using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Storage;
using Forge.Core.Telemetry;
using Forge.Core.Zarr;
using static Forge.Core.Tests.Engine.Schemas;

namespace Forge.Core.Tests.Engine;

/// <summary>
/// The regression guard of issue 10 item 7 (a NetCDF-4 file with 1,046 variables took 300 s to plan): the engine's
/// operations, counted, grow linearly in the number of variables. Opens of an input do not grow at all (an open of
/// a NetCDF-4 file costs time in its variable count, so an open per variable is quadratic); hyperslab reads, store
/// writes and ledger records grow by the same amount per variable. Counts, not timings: an O(N²) fails every time.
/// The wall-clock curve against xarray is eng/bench/manyvars/run.sh (docs/performance.md).
/// </summary>
public sealed class ManyVariablesTests
{
    private const int NTime = 4, NLat = 3, NLon = 5;

    private sealed record Counts(int PlanOpens, int RunOpens, long Reads, int Sets, int LedgerSets, int MetadataSets, long Objects);

    /// <summary>Two inputs of <paramref name="n"/> variables: three of every four along time, every fourth static (lat, lon), like model "fx" fields.</summary>
    private static Dictionary<string, MemoryDataset> Files(int n)
    {
        var files = new Dictionary<string, MemoryDataset>();
        for (int f = 0; f < 2; f++)
        {
            var vars = new List<VariableSchema>
            {
                Var("time", DataType.Float64, ["time"], [NTime], Attrs(("units", "hours since 2000-01-01"), ("calendar", "standard"))),
                Var("lat", DataType.Float32, ["lat"], [NLat], Attrs(("units", "degrees_north"))),
                Var("lon", DataType.Float32, ["lon"], [NLon], Attrs(("units", "degrees_east"))),
            };
            var data = new Dictionary<string, byte[]>
            {
                ["time"] = Bytes.Of(Enumerable.Range(f * NTime, NTime).Select(t => 6.0 * t).ToArray()),
                ["lat"] = Bytes.Of(new float[] { -45, 0, 45 }),
                ["lon"] = Bytes.Of(new float[] { 0, 72, 144, 216, 288 }),
            };
            for (int i = 0; i < n; i++)
            {
                var name = $"v{i:0000}";
                bool isStatic = i % 4 == 3;
                long[] shape = isStatic ? [NLat, NLon] : [NTime, NLat, NLon];
                vars.Add(Var(name, DataType.Float32, isStatic ? ["lat", "lon"] : ["time", "lat", "lon"], shape, Attrs(("units", "K"), ("long_name", $"field {i}"))));
                data[name] = Bytes.Of(Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(k => isStatic ? (float)(i + k) : (float)(i + k + 1000 * f)).ToArray());
            }

            files[$"mem://many-{f}.nc"] = new MemoryDataset(Schema(new Dictionary<string, long> { ["time"] = NTime, ["lat"] = NLat, ["lon"] = NLon }, Attrs(("title", "many variables")), [.. vars]), data);
        }

        return files;
    }

    private static async Task<Counts> RunAsync(int n, int workers = 1)
    {
        var files = Files(n);
        var opener = new MemoryDatasetOpener(files);
        var store = new RecordingStore(new MemoryStore());
        var request = new RunRequest(
            $"many-{n}", "sha", "time", [.. files.Keys.Order().Select((url, i) => new RunInput(i, 0, url))], "auto", null, [],
            new ChunkingPolicy(ImmutableDictionary<string, long>.Empty, 64L << 20, null), ImmutableDictionary<string, ChunkingPolicy>.Empty,
            AttributeSet.Empty, MaxMemory: 256L << 20, Workers: workers, FetchConcurrency: 2);
        var runner = new RecipeRunner(new MemoryFetcher(files), opener, NullProgressSink.Instance);
        await using var prepared = await runner.PrepareAsync(request, CancellationToken.None);
        int planOpens = opener.Opens.Values.Sum();
        var summary = await runner.ExecuteAsync(prepared, new ZarrTargetWriter(store, ZarrFormat.V2, _ => []), new StoreRunLedger(store), CancellationToken.None);
        Assert.Equal(prepared.Plan.ObjectCount, summary.ChunksWritten);

        // The store holds every variable with its values.
        var group = await ZarrGroupReader.OpenAsync(store);
        Assert.Equal(n + 3, group.Arrays.Count);
        var last = files.Values.First().Data[$"v{n - 1:0000}"];
        Assert.Equal(Bytes.As<float>(last), Bytes.As<float>(await group.OpenArray($"v{n - 1:0000}").ReadAllAsync()).Take(last.Length / 4));

        var sets = store.Sets.ToList();
        return new Counts(planOpens, opener.Opens.Values.Sum() - planOpens, opener.Reads.Values.Sum(), sets.Count,
            sets.Count(k => k.StartsWith(".forge/", StringComparison.Ordinal)), sets.Count(Bytes.IsMetadata), summary.ChunksWritten);
    }

    [Fact]
    public async Task OperationsGrowLinearlyInTheNumberOfVariables()
    {
        // 48, 96 and 192 variables (a quarter of them static in each).
        var few = await RunAsync(48);
        var more = await RunAsync(96);
        var most = await RunAsync(192);

        // Each input is opened once by the schema pass, and once per pass (and once by the stage of the variables
        // without the concat dimension) by the run, however many variables it holds.
        Assert.Equal(2, few.PlanOpens);
        Assert.Equal(few.PlanOpens, most.PlanOpens);
        Assert.Equal(few.RunOpens, most.RunOpens);
        Assert.True(most.RunOpens <= 3, $"the run opened the inputs {most.RunOpens} times");

        // Everything else costs the same per variable: 144 more variables cost 3 times what 48 more do.
        Assert.Equal(3 * (more.Reads - few.Reads), most.Reads - few.Reads);
        Assert.Equal(3 * (more.Objects - few.Objects), most.Objects - few.Objects);
        Assert.Equal(3 * (more.Sets - few.Sets), most.Sets - few.Sets);
        Assert.Equal(3 * (more.LedgerSets - few.LedgerSets), most.LedgerSets - few.LedgerSets);
        Assert.Equal(3 * (more.MetadataSets - few.MetadataSets), most.MetadataSets - few.MetadataSets);
        // One object, one ledger record, two metadata documents per variable.
        Assert.Equal(144, most.Objects - few.Objects);
        Assert.Equal(144, most.LedgerSets - few.LedgerSets);
        Assert.Equal(288, most.MetadataSets - few.MetadataSets);
    }

    [Fact]
    public async Task TheStaticStageOpensAnInputOncePerWorker()
    {
        // With two workers each may open the first input once for the variables without the concat dimension.
        var c = await RunAsync(192, workers: 2);
        Assert.InRange(c.RunOpens, 2, 4);
    }
}
