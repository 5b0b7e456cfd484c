using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Storage;
using Forge.Core.Telemetry;
using Forge.Core.Zarr;
using static Forge.Core.Tests.Engine.Schemas;

namespace Forge.Core.Tests.Engine;

/// <summary>Rename (including the concat dimension), select and attrs end to end: the store has the new names, data from the old ones.</summary>
public sealed class TransformRunTests
{
    [Fact]
    public async Task RenamedConcatDimensionAndSelectedVariableAreWrittenFromTheSourceNames()
    {
        var files = new Dictionary<string, MemoryDataset>();
        for (int f = 0; f < 2; f++)
        {
            var schema = Schema(new Dictionary<string, long> { ["t"] = 3, ["y"] = 2 },
                Var("t", DataType.Int64, ["t"], [3], Attrs(("units", "days since 2010-01-01"))),
                Var("y", DataType.Float32, ["y"], [2]),
                Var("T2", DataType.Float64, ["t", "y"], [3, 2], Attrs(("units", "K"))),
                Var("junk", DataType.Int8, ["t"], [3]));
            files[$"mem://part{f}.nc"] = new MemoryDataset(schema, new Dictionary<string, byte[]>
            {
                ["t"] = Bytes.Of(new long[] { 3 * f, 3 * f + 1, 3 * f + 2 }),
                ["y"] = Bytes.Of(new float[] { 1, 2 }),
                ["T2"] = Bytes.Of(Enumerable.Range(6 * f, 6).Select(i => i + 0.5).ToArray()),
                ["junk"] = Bytes.Of(new sbyte[] { 1, 2, 3 }),
            });
        }

        var attrs = ImmutableDictionary<string, ImmutableArray<KeyValuePair<string, AttributeValue?>>>.Empty
            .Add("t2m", [new("long_name", Value("2 m temperature"))]);
        var request = new RunRequest("rename", "sha", "time", [new RunInput(0, 0, "mem://part0.nc"), new RunInput(1, 0, "mem://part1.nc")], "auto", null,
            [new DatasetTransform.Rename(ImmutableDictionary<string, string>.Empty.Add("t", "time").Add("T2", "t2m")), new DatasetTransform.Select(["t2m"]), new DatasetTransform.SetAttributes(attrs)],
            new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 4), 64L << 20, null),
            ImmutableDictionary<string, ChunkingPolicy>.Empty, AttributeSet.Empty, 64L << 20, 2, 2);
        var store = new MemoryStore();
        var runner = new RecipeRunner(new MemoryFetcher(files), new MemoryDatasetOpener(files), NullProgressSink.Instance);
        await using (var prepared = await runner.PrepareAsync(request, CancellationToken.None))
            await runner.ExecuteAsync(prepared, new ZarrTargetWriter(store, ZarrFormat.V2, _ => []), new StoreRunLedger(store), CancellationToken.None);

        var group = await ZarrGroupReader.OpenAsync(store);
        Assert.Equal(["t2m", "time", "y"], group.Arrays.Keys.Order().ToArray());
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5 }, Bytes.As<long>(await group.OpenArray("time").ReadAllAsync()));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i + 0.5), Bytes.As<double>(await group.OpenArray("t2m").ReadAllAsync()));
        var t2m = group.Arrays["t2m"];
        Assert.Equal("2 m temperature", t2m.Attributes["long_name"]!.GetValue<string>());
        Assert.Equal(["time", "y"], t2m.DimensionNames!);
    }
}
