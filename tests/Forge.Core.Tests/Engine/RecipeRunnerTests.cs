using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Storage;
using Forge.Core.Telemetry;
using Forge.Core.Zarr;
using static Forge.Core.Tests.Engine.Schemas;

namespace Forge.Core.Tests.Engine;

/// <summary>
/// The whole engine on three monthly in-memory inputs (Jan/Feb/Mar 2000, "days since &lt;month start&gt;", packed int16
/// tas decoded to float32), written to a MemoryStore as Zarr: values, publish order, resume, up-to-date, overwrite.
/// </summary>
public sealed class RecipeRunnerTests
{
    private const int NLat = 3, NLon = 4;
    private static readonly (string Url, string Start, int Days)[] Months =
        [("mem://tas-2000-01.nc", "2000-01-01", 31), ("mem://tas-2000-02.nc", "2000-02-01", 29), ("mem://tas-2000-03.nc", "2000-03-01", 31)];

    private static short Raw(int t, int y, int x) => (t + y + x) % 7 == 0 ? (short)-32767 : (short)((t * 100 + y * 10 + x) % 3000);

    private static float Decoded(int t, int y, int x) => Raw(t, y, x) == -32767 ? float.NaN : (float)(Raw(t, y, x) * 0.01 + 273.15);

    internal static Dictionary<string, MemoryDataset> Files()
    {
        var files = new Dictionary<string, MemoryDataset>();
        int t0 = 0;
        foreach (var (url, start, days) in Months)
        {
            var schema = Schema(new Dictionary<string, long> { ["time"] = days, ["lat"] = NLat, ["lon"] = NLon },
                Attrs(("title", "test"), ("history", $"made for {url}")),
                Var("time", DataType.Int32, ["time"], [days], Attrs(("units", $"days since {start}"), ("calendar", "standard"))),
                Var("lat", DataType.Float32, ["lat"], [NLat], Attrs(("units", "degrees_north"))),
                Var("lon", DataType.Float32, ["lon"], [NLon], Attrs(("units", "degrees_east"))),
                Var("tas", DataType.Int16, ["time", "lat", "lon"], [days, NLat, NLon],
                    Attrs(("scale_factor", 0.01), ("add_offset", 273.15), ("_FillValue", (short)-32767), ("units", "K"))));
            var tas = new short[days * NLat * NLon];
            for (int t = 0; t < days; t++)
                for (int y = 0; y < NLat; y++)
                    for (int x = 0; x < NLon; x++)
                        tas[(t * NLat + y) * NLon + x] = Raw(t0 + t, y, x);
            files[url] = new MemoryDataset(schema, new Dictionary<string, byte[]>
            {
                ["time"] = Bytes.Of(Enumerable.Range(0, days).ToArray()),
                ["lat"] = Bytes.Of(new float[] { -10, 0, 10 }),
                ["lon"] = Bytes.Of(new float[] { 0, 90, 180, 270 }),
                ["tas"] = Bytes.Of(tas),
            });
            t0 += days;
        }

        return files;
    }

    internal static RunRequest Request(string recipeSha = "sha-1") => new(
        "monthly-tas", recipeSha, "time",
        [.. Months.Select((m, i) => new RunInput(i, 0, m.Url))],
        "auto", null,
        [new DatasetTransform.DecodeCf(["tas"])],
        new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 10), 64L << 20, null),
        ImmutableDictionary<string, ChunkingPolicy>.Empty,
        Attrs(("project", "forge-tests")),
        MaxMemory: 64L << 20, Workers: 2, FetchConcurrency: 2);

    internal sealed class Harness
    {
        public Dictionary<string, MemoryDataset> Files { get; } = RecipeRunnerTests.Files();

        public MemoryDatasetOpener Opener { get; }

        public RecordingStore Store { get; } = new(new MemoryStore());

        public Harness() => Opener = new MemoryDatasetOpener(Files);

        public Func<string, CancellationToken, Task>? BeforeFetch { get; init; }

        public async Task<RunSummary> RunAsync(RunRequest request, ZarrFormat format = ZarrFormat.V2)
        {
            var runner = new RecipeRunner(new MemoryFetcher(Files) { BeforeFetch = BeforeFetch }, Opener, NullProgressSink.Instance);
            await using var prepared = await runner.PrepareAsync(request, CancellationToken.None);
            var writer = new ZarrTargetWriter(Store, format, _ => []);
            return await runner.ExecuteAsync(prepared, writer, new StoreRunLedger(Store), CancellationToken.None);
        }
    }

    internal static async Task AssertDatasetAsync(IStore store, ZarrFormat format, int chunkTime = 10, int chunkLat = NLat)
    {
        var group = await ZarrGroupReader.OpenAsync(store);
        Assert.Equal(format, group.Format);
        Assert.True(group.IsConsolidated);
        Assert.Equal(["lat", "lon", "tas", "time"], group.Arrays.Keys.Order().ToArray());
        Assert.Equal("test", group.Attributes["title"]!.GetValue<string>());
        // Differs between inputs: the first input's, as xarray's combine_attrs="override".
        Assert.Equal($"made for {Months[0].Url}", group.Attributes["history"]!.GetValue<string>());
        Assert.Equal("forge-tests", group.Attributes["project"]!.GetValue<string>());
        Assert.Equal("monthly-tas", group.Attributes["forge:recipe_id"]!.GetValue<string>());
        Assert.Equal(3, group.Attributes["forge:inputs"]!.GetValue<long>());

        var time = group.Arrays["time"];
        Assert.Equal(DataType.Int64, time.DataType);
        Assert.Equal("days since 2000-01-01 00:00:00", time.Attributes["units"]!.GetValue<string>());
        Assert.Equal([91L], time.ChunkShape.ToArray());
        Assert.Equal(Enumerable.Range(0, 91).Select(i => (long)i), Bytes.As<long>(await group.OpenArray("time").ReadAllAsync()));

        var tas = group.Arrays["tas"];
        Assert.Equal(DataType.Float32, tas.DataType);
        Assert.Equal([91L, NLat, NLon], tas.Shape.ToArray());
        Assert.Equal([chunkTime, chunkLat, NLon], tas.ChunkShape.ToArray());
        Assert.False(tas.Attributes.ContainsKey("scale_factor"));
        var values = Bytes.As<float>(await group.OpenArray("tas").ReadAllAsync());
        for (int t = 0; t < 91; t++)
            for (int y = 0; y < NLat; y++)
                for (int x = 0; x < NLon; x++)
                    Assert.Equal(Decoded(t, y, x), values[(t * NLat + y) * NLon + x]);
        Assert.Equal(new float[] { -10, 0, 10 }, Bytes.As<float>(await group.OpenArray("lat").ReadAllAsync()));
    }

    [Theory]
    [InlineData(ZarrFormat.V2)]
    [InlineData(ZarrFormat.V3)]
    public async Task WritesTheCombinedDatasetAndPublishesMetadataLast(ZarrFormat format)
    {
        var h = new Harness();
        var summary = await h.RunAsync(Request(), format);
        Assert.False(summary.UpToDate);
        Assert.Equal(0, summary.ObjectsSkipped);
        Assert.Equal(3, summary.Inputs);
        Assert.Equal(1 + 1 + 1 + 10, summary.ChunksWritten);
        await AssertDatasetAsync(h.Store, format);

        var sets = h.Store.Sets.ToList();
        int lastData = sets.FindLastIndex(k => !k.StartsWith(".forge/", StringComparison.Ordinal) && !Bytes.IsMetadata(k));
        int firstMetadata = sets.FindIndex(Bytes.IsMetadata);
        Assert.True(lastData >= 0 && firstMetadata > lastData, $"metadata written before data: {string.Join(", ", sets)}");
        Assert.Equal(".forge/run.json", sets[0]);
        Assert.Equal(".forge/complete", sets[^1]);
        Assert.Equal(13, sets.Count(k => k.StartsWith(".forge/done/", StringComparison.Ordinal)));
        // One pass: each input's tas is decoded exactly once (every element read once), whatever the chunking.
        Assert.Equal(RechunkStrategy.SinglePass, summary.Strategy);
        foreach (var (url, _, days) in Months)
            Assert.Equal((long)days * NLat * NLon, h.Opener.ElementsRead[(url, "tas")]);
    }

    /// <summary>Every store key but the ledger's, with its bytes.</summary>
    private static async Task<SortedDictionary<string, byte[]>> ContentsAsync(IStore store)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync(""))
        {
            if (key.Value.StartsWith(".forge/", StringComparison.Ordinal)) continue;
            using var value = await store.GetAsync(key);
            result[key.Value] = value!.Memory.ToArray();
        }

        return result;
    }

    private static async Task<List<string>> DoneIdsAsync(IStore store)
    {
        var ids = new List<string>();
        await foreach (var key in store.ListAsync(".forge/done/")) ids.Add(key.Value[".forge/done/".Length..]);
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    [Theory]
    [InlineData(7000, 1, RechunkStrategy.MultiPass)]
    [InlineData(7000, 2, RechunkStrategy.MultiPass)]
    [InlineData(6000, 3, null)]
    [InlineData(64L << 20, 1, null)]
    [InlineData(6000, 1, RechunkStrategy.Spill)]
    [InlineData(9000, 2, RechunkStrategy.Spill)]
    [InlineData(6000, 1, RechunkStrategy.Stream)]
    [InlineData(64L << 20, 2, RechunkStrategy.Stream)]
    public async Task TheSameObjectsAndBytesForAnyBudgetWorkersOrStrategy(long maxMemory, int workers, RechunkStrategy? strategy)
    {
        // Chunks (91, 1, 4): one object per latitude spans all three inputs.
        var chunking = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 91).Add("lat", 1), 64L << 20, null);
        var reference = new Harness();
        var expected = await reference.RunAsync(Request() with { Chunking = chunking });
        Assert.Equal(RechunkStrategy.SinglePass, expected.Strategy);

        var h = new Harness();
        // The codecs the writer uses (none): the planner may stream every object as its steps arrive.
        var summary = await h.RunAsync(Request() with { Chunking = chunking, MaxMemory = maxMemory, Workers = workers, Strategy = strategy, Codecs = _ => [] });
        if (strategy is { } forced) Assert.Equal(forced, summary.Strategy);
        else if (maxMemory < 10_000) Assert.NotEqual(RechunkStrategy.SinglePass, summary.Strategy);
        Assert.True(summary.PeakAccountedBytes <= maxMemory, $"{summary.PeakAccountedBytes} > {maxMemory}");
        Assert.Equal(await DoneIdsAsync(reference.Store), await DoneIdsAsync(h.Store));
        Assert.Equal(["lat/0", "lon/0", "tas/0.0.0", "tas/0.1.0", "tas/0.2.0", "time/0"], await DoneIdsAsync(h.Store));
        var a = await ContentsAsync(reference.Store);
        var b = await ContentsAsync(h.Store);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys) Assert.True(a[key].AsSpan().SequenceEqual(b[key]), $"{key} differs");
        await AssertDatasetAsync(h.Store, ZarrFormat.V2, chunkTime: 91, chunkLat: 1);

        // Each pass opens each input once and decodes every element of its part once: over all passes, each input once.
        int passes = Math.Max(1, summary.Passes);
        foreach (var (url, _, days) in Months)
            Assert.Equal((long)days * NLat * NLon, h.Opener.ElementsRead[(url, "tas")]);
        Assert.True(summary.BytesDecoded >= 91L * NLat * NLon * 2);
        if (summary.Strategy == RechunkStrategy.Spill) Assert.Equal(91L * NLat * NLon * 4, summary.SpillBytes);
        _ = passes;
    }

    [Fact]
    public async Task EachInputIsOpenedOncePerPass()
    {
        var chunking = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 91).Add("lat", 1), 64L << 20, null);
        var h = new Harness();
        var runner = new RecipeRunner(new MemoryFetcher(h.Files), h.Opener, NullProgressSink.Instance);
        await using var prepared = await runner.PrepareAsync(Request() with { Chunking = chunking, MaxMemory = 7000, Workers = 1, Strategy = RechunkStrategy.MultiPass }, CancellationToken.None);
        var before = h.Opener.Opens.ToDictionary(kv => kv.Key, kv => kv.Value);
        var summary = await runner.ExecuteAsync(prepared, new ZarrTargetWriter(h.Store, ZarrFormat.V2, _ => []), new StoreRunLedger(h.Store), CancellationToken.None);
        Assert.Equal(RechunkStrategy.MultiPass, summary.Strategy);
        Assert.True(summary.Passes >= 2);
        foreach (var (url, _, _) in Months)
        {
            // The first input also serves the variables without the concat dimension (lat, lon): opened once for all
            // of them by the one worker (an open per object made files with many such variables quadratic).
            int extra = url == Months[0].Url ? 1 : 0;
            Assert.Equal(summary.Passes + extra, h.Opener.Opens[url] - before[url]);
        }
    }

    [Fact]
    public async Task ShardedV3TargetHoldsTheSameValues()
    {
        // Chunks of 5 steps inside shards of 10: the store objects are the shards of the unsharded test above.
        var h = new Harness();
        var chunking = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 5), 64L << 20, ImmutableDictionary<string, long>.Empty.Add("time", 10));
        var summary = await h.RunAsync(Request() with { Chunking = chunking }, ZarrFormat.V3);
        Assert.Equal(13, summary.ChunksWritten);
        await AssertDatasetAsync(h.Store, ZarrFormat.V3);
        var tas = (await ZarrGroupReader.OpenAsync(h.Store)).Arrays["tas"];
        Assert.True(tas.IsSharded);
        Assert.Equal([5L, NLat, NLon], tas.InnerChunkShape!.Value.ToArray());
    }

    [Theory]
    [InlineData(3500, 1, null)]
    [InlineData(3500, 2, RechunkStrategy.Spill)]
    [InlineData(3500, 1, RechunkStrategy.MultiPass)]
    public async Task AShardLargerThanTheBudgetIsAssembledInnerChunkByInnerChunk(long maxMemory, int workers, RechunkStrategy? strategy)
    {
        // Inner chunks (30, 1, 4) in shards (90, 3, 4): a 4 320 B shard spans all three inputs, more than the whole
        // budget; the second shard is an edge shard (one step, two inner chunks wholly outside the array). Shards
        // are written from inner chunks encoded as they complete, index last, and equal byte for byte the store
        // written with a budget that holds them.
        var chunking = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 30).Add("lat", 1), 64L << 20, ImmutableDictionary<string, long>.Empty.Add("time", 90).Add("lat", 3));
        var reference = new Harness();
        await reference.RunAsync(Request() with { Chunking = chunking }, ZarrFormat.V3);
        var h = new Harness();
        var summary = await h.RunAsync(Request() with { Chunking = chunking, MaxMemory = maxMemory, Workers = workers, Strategy = strategy }, ZarrFormat.V3);
        Assert.True(90L * NLat * NLon * 4 > maxMemory);
        if (strategy is { } forced) Assert.Equal(forced, summary.Strategy);
        else Assert.NotEqual(RechunkStrategy.SinglePass, summary.Strategy);
        Assert.True(summary.PeakAccountedBytes <= maxMemory, $"{summary.PeakAccountedBytes} > {maxMemory}");
        Assert.Equal(["lat/0", "lon/0", "tas/0.0.0", "tas/1.0.0", "time/0"], await DoneIdsAsync(h.Store));
        var a = await ContentsAsync(reference.Store);
        var b = await ContentsAsync(h.Store);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys) Assert.True(a[key].AsSpan().SequenceEqual(b[key]), $"{key} differs");
        var group = await ZarrGroupReader.OpenAsync(h.Store);
        Assert.Equal([30L, 1, NLon], group.Arrays["tas"].InnerChunkShape!.Value.ToArray());
        var values = Bytes.As<float>(await group.OpenArray("tas").ReadAllAsync());
        for (int t = 0; t < 91; t++)
            for (int y = 0; y < NLat; y++)
                for (int x = 0; x < NLon; x++)
                    Assert.Equal(Decoded(t, y, x), values[(t * NLat + y) * NLon + x]);
    }

    [Fact]
    public async Task AFailedRunPublishesNothingAndTheRerunResumesThenIsUpToDate()
    {
        var h = new Harness();
        h.Opener.FailNextRead("mem://tas-2000-03.nc", "tas");
        var ex = await Assert.ThrowsAsync<DataException>(() => h.RunAsync(Request()));
        Assert.Contains("mem://tas-2000-03.nc", ex.Message);
        Assert.DoesNotContain(h.Store.Sets, Bytes.IsMetadata);
        var other = new RunIdentity("other", "zarr-v2", System.Collections.Immutable.ImmutableSortedDictionary.Create<string, System.Text.Json.Nodes.JsonObject>(StringComparer.Ordinal), [], []);
        var (state, _) = await new StoreRunLedger(h.Store).InspectAsync(other, CancellationToken.None);
        Assert.Equal(LedgerState.Incompatible, state); // a different fingerprint would not resume it
        var readsBefore = h.Opener.Reads.Values.Sum();

        var second = await h.RunAsync(Request());
        Assert.False(second.UpToDate);
        Assert.True(second.ObjectsSkipped > 0, "no object was skipped on resume");
        Assert.Equal(13, second.ObjectsSkipped + second.ChunksWritten);
        await AssertDatasetAsync(h.Store, ZarrFormat.V2);

        h.Store.Sets.Clear();
        var third = await h.RunAsync(Request());
        Assert.True(third.UpToDate);
        Assert.Equal(0, third.ChunksWritten);
        Assert.Empty(h.Store.Sets);
        Assert.True(readsBefore > 0);
    }

    [Fact]
    public async Task ADifferentRecipeNeedsOverwrite()
    {
        // "Different" is semantic (issue #9): what the store would hold, not the recipe's bytes.
        var edition2 = Request() with { ExtraAttributes = Attrs(("project", "forge-tests"), ("edition", "2")) };
        var h = new Harness();
        await h.RunAsync(Request("sha-1"));
        var ex = await Assert.ThrowsAsync<TargetConflictException>(() => h.RunAsync(edition2));
        Assert.Contains("memory://", ex.Message);
        Assert.Contains("--overwrite", ex.Message);
        Assert.Contains("global attribute 'edition'", ex.Message);

        var replaced = await h.RunAsync(edition2 with { Overwrite = true });
        Assert.False(replaced.UpToDate);
        Assert.Equal(0, replaced.ObjectsSkipped);
        Assert.Equal(13, replaced.ChunksWritten);
        await AssertDatasetAsync(h.Store, ZarrFormat.V2);
        Assert.True((await h.RunAsync(edition2)).UpToDate);
    }

    [Fact]
    public async Task ARecipeThatDiffersOnlyInItsTextIsTheSameRun()
    {
        // Comments, key order and formatting change the recipe's bytes (RecipeSha256), not the store it describes.
        var h = new Harness();
        await h.RunAsync(Request("sha-1"));
        Assert.True((await h.RunAsync(Request("sha-of-the-recipe-with-a-comment"))).UpToDate);
    }

    [Fact]
    public async Task AnInputChangedUnderTheSameUrlIsReportedNotMixedIn()
    {
        var h = new Harness();
        await h.RunAsync(Request());
        var feb = h.Files["mem://tas-2000-02.nc"];
        var tas = feb.Data["tas"];
        tas[0] ^= 1;
        h.Files["mem://tas-2000-02.nc"] = feb;
        var ex = await Assert.ThrowsAsync<TargetConflictException>(() => h.RunAsync(Request()));
        Assert.Contains("input mem://tas-2000-02.nc changed since it was written", ex.Message);
        Assert.Contains("--overwrite", ex.Message);
    }

    [Fact]
    public async Task OverwriteOfACompleteTargetRewritesIt()
    {
        var h = new Harness();
        await h.RunAsync(Request());
        var again = await h.RunAsync(Request() with { Overwrite = true });
        Assert.False(again.UpToDate);
        Assert.Equal(13, again.ChunksWritten);
        await AssertDatasetAsync(h.Store, ZarrFormat.V2);
    }

    [Fact]
    public async Task ANonForgeTargetIsNotOverwrittenSilently()
    {
        var h = new Harness();
        await h.Store.SetAsync(new StoreKey("precious/data.bin"), new byte[] { 1, 2, 3 });
        var ex = await Assert.ThrowsAsync<TargetConflictException>(() => h.RunAsync(Request()));
        Assert.Contains("precious/data.bin", ex.Message);
        Assert.NotNull(await h.Store.GetAsync(new StoreKey("precious/data.bin")));

        // --overwrite only replaces what Forge or Zarr wrote: a user's file is never deleted (contract change, issue #9).
        var refused = await Assert.ThrowsAsync<TargetConflictException>(() => h.RunAsync(Request() with { Overwrite = true }));
        Assert.Contains("precious/data.bin", refused.Message);
        Assert.NotNull(await h.Store.GetAsync(new StoreKey("precious/data.bin")));
    }

    [Fact]
    public async Task ItemsPerFileIsCheckedAgainstEachFile()
    {
        var h = new Harness();
        var ex = await Assert.ThrowsAsync<DataException>(() => h.RunAsync(Request() with { ItemsPerFile = 31 }));
        Assert.Contains("mem://tas-2000-02.nc", ex.Message);
        Assert.Empty(h.Store.Sets);
    }

    [Fact]
    public async Task AMissingInputFailsTheSchemaPassBeforeAnyWrite()
    {
        var h = new Harness();
        var request = Request() with { Inputs = [.. Request().Inputs, new RunInput(3, 0, "mem://tas-2000-04.nc")] };
        var ex = await Assert.ThrowsAsync<Sources.FetchException>(() => h.RunAsync(request));
        Assert.Contains("tas-2000-04.nc", ex.Message);
        Assert.Empty(h.Store.Sets);
    }

    [Fact]
    public async Task OfSeveralFailingInputsTheFirstInConcatOrderIsReported()
    {
        // All four inputs are missing and read concurrently; the first is held back until the others have failed
        // and the pass is stopping, then fails too. The error names it, not whichever failed first.
        var h = new Harness
        {
            BeforeFetch = async (url, ct) =>
            {
                if (!url.EndsWith("missing-0.nc", StringComparison.Ordinal)) return;
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), ct);
                }
                catch (OperationCanceledException)
                {
                }
            },
        };
        var request = Request() with { FetchConcurrency = 4, Inputs = [.. Enumerable.Range(0, 4).Select(i => new RunInput(i, 0, $"mem://missing-{i}.nc"))] };
        var ex = await Assert.ThrowsAsync<Sources.FetchException>(() => h.RunAsync(request));
        Assert.Contains("missing-0.nc", ex.Message);
        Assert.Empty(h.Store.Sets);
    }

    [Fact]
    public async Task ALargeStaticVariableThatDiffersIsShownAtItsFirstDifferingElement()
    {
        // orog (200 × 100 float32 = 78 KiB) is over the 64 KiB the schema pass keeps, so only its digest was known;
        // the error re-reads both inputs and names the element, not two digests.
        var h = new Harness();
        foreach (var (url, i) in Months.Select((m, i) => (m.Url, i)))
        {
            var f = h.Files[url];
            var orog = new float[200 * 100];
            if (i == 2) orog[150 * 100 + 7] = 99.5f;
            var schema = f.Schema with
            {
                Dimensions = f.Schema.Dimensions.Add(new Dimension("j", 200)).Add(new Dimension("i", 100)),
                Variables = f.Schema.Variables.Add(Var("orog", DataType.Float32, ["j", "i"], [200, 100])),
            };
            h.Files[url] = new MemoryDataset(schema, new Dictionary<string, byte[]>(f.Data) { ["orog"] = Bytes.Of(orog) });
        }

        var ex = await Assert.ThrowsAsync<DataException>(() => h.RunAsync(Request() with { DataVariables = DataVariables.Minimal }));
        Assert.Contains("variable 'orog'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"element [150, 7]: 0 in {Months[0].Url} but 99.5 in {Months[2].Url}", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SHA-256", ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Store.Sets);
    }

    [Fact]
    public async Task APlanThatDoesNotFitInMemoryIsAPlanError()
    {
        var h = new Harness();
        // One tas chunk of 91 × 3 × 4 float32 (4368 B) can never be assembled in a 3000-byte budget.
        var chunking = new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 100), 64L << 20, null);
        var ex = await Assert.ThrowsAsync<PlanException>(() => h.RunAsync(Request() with { Chunking = chunking, MaxMemory = 3000, Workers = 1 }));
        Assert.Contains("'tas'", ex.Message);
        Assert.Empty(h.Store.Sets);
    }
}
