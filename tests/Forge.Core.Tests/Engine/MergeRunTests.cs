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

/// <summary>
/// CMIP-style inputs end to end: one file per variable and day, each with time_bnds and lat_bnds, a length-1
/// height dimension squeezed away, 6-hourly "hours since &lt;file day&gt;" re-encoded (float64 because of bounds).
/// </summary>
public sealed class MergeRunTests
{
    private const int NLat = 2, NLon = 3, Steps = 4;

    private static float Value(string variable, int t, int y, int x) => (variable == "tas" ? 1000 : 2000) + t * 100 + y * 10 + x;

    private static MemoryDataset File(string variable, int day, bool withScalar = false)
    {
        var timeAttrs = Attrs(("units", $"hours since 2000-01-{day + 1:00} 00:00:00"), ("calendar", "standard"), ("bounds", "time_bnds"));
        var schema = Schema(new Dictionary<string, long> { ["time"] = Steps, ["height"] = 1, ["lat"] = NLat, ["lon"] = NLon, ["bnds"] = 2 },
            Var("time", DataType.Float64, ["time"], [Steps], timeAttrs),
            Var("time_bnds", DataType.Float64, ["time", "bnds"], [Steps, 2]),
            Var("height", DataType.Float64, ["height"], [1], Attrs(("units", "m"))),
            Var("lat", DataType.Float64, ["lat"], [NLat], Attrs(("bounds", "lat_bnds"))),
            Var("lat_bnds", DataType.Float64, ["lat", "bnds"], [NLat, 2]),
            Var("lon", DataType.Float64, ["lon"], [NLon]),
            Var(variable, DataType.Float32, ["time", "height", "lat", "lon"], [Steps, 1, NLat, NLon], Attrs(("units", "x"))));
        if (withScalar) schema = schema with { Variables = schema.Variables.Add(Var("crs", DataType.Int32, [], [], Attrs(("grid_mapping_name", "latitude_longitude")))) };
        var data = new float[Steps * NLat * NLon];
        for (int t = 0; t < Steps; t++)
            for (int y = 0; y < NLat; y++)
                for (int x = 0; x < NLon; x++)
                    data[(t * NLat + y) * NLon + x] = Value(variable, day * Steps + t, y, x);
        return new MemoryDataset(schema, new Dictionary<string, byte[]>
        {
            ["time"] = Bytes.Of(new double[] { 3, 9, 15, 21 }),
            ["time_bnds"] = Bytes.Of(new double[] { 0, 6, 6, 12, 12, 18, 18, 24 }),
            ["height"] = Bytes.Of(new double[] { 2 }),
            ["lat"] = Bytes.Of(new double[] { -45, 45 }),
            ["lat_bnds"] = Bytes.Of(new double[] { -90, 0, 0, 90 }),
            ["lon"] = Bytes.Of(new double[] { 0, 120, 240 }),
            [variable] = Bytes.Of(data),
            ["crs"] = Bytes.Of(new int[] { 4326 }),
        });
    }

    [Fact]
    public async Task MergesVariableFilesWithSharedBoundsAndReencodesTime()
    {
        var files = new Dictionary<string, MemoryDataset>();
        var inputs = new List<RunInput>();
        string[] variables = ["tas", "pr"];
        for (int day = 0; day < 3; day++)
        {
            for (int m = 0; m < variables.Length; m++)
            {
                var url = $"mem://{variables[m]}_day{day}.nc";
                files[url] = File(variables[m], day);
                inputs.Add(new RunInput(day, m, url));
            }
        }

        var request = new RunRequest("cmip", "sha", "time", [.. inputs], "auto", null,
            [new DatasetTransform.Squeeze(["height"])],
            new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", 5), 64L << 20, null),
            ImmutableDictionary<string, ChunkingPolicy>.Empty, AttributeSet.Empty, 64L << 20, 2, 3);
        var store = new MemoryStore();
        var opener = new MemoryDatasetOpener(files);
        var runner = new RecipeRunner(new MemoryFetcher(files), opener, NullProgressSink.Instance);
        await using (var prepared = await runner.PrepareAsync(request, CancellationToken.None))
            await runner.ExecuteAsync(prepared, new ZarrTargetWriter(store, ZarrFormat.V3, _ => []), new StoreRunLedger(store), CancellationToken.None);

        var group = await ZarrGroupReader.OpenAsync(store);
        Assert.Equal(["lat", "lat_bnds", "lon", "pr", "tas", "time", "time_bnds"], group.Arrays.Keys.Order().ToArray());
        var time = group.Arrays["time"];
        Assert.Equal(DataType.Float64, time.DataType);
        Assert.Equal("hours since 2000-01-01 00:00:00", time.Attributes["units"]!.GetValue<string>());
        Assert.Equal(Range(3, 12, 6), Bytes.As<double>(await group.OpenArray("time").ReadAllAsync()));
        var bounds = Bytes.As<double>(await group.OpenArray("time_bnds").ReadAllAsync());
        Assert.Equal(Enumerable.Range(0, 12).SelectMany(i => new double[] { 6 * i, 6 * i + 6 }), bounds);
        // lat_bnds is a data variable (xarray's default decode_coords names only "coordinates" as coordinates), so
        // data_vars="all" broadcasts it along time: every step holds the file's bounds.
        Assert.Equal([12L, NLat, 2], group.Arrays["lat_bnds"].Shape.ToArray());
        Assert.Equal(Enumerable.Repeat(new double[] { -90, 0, 0, 90 }, 12).SelectMany(b => b), Bytes.As<double>(await group.OpenArray("lat_bnds").ReadAllAsync()));

        foreach (var variable in variables)
        {
            Assert.Equal([12L, NLat, NLon], group.Arrays[variable].Shape.ToArray());
            var values = Bytes.As<float>(await group.OpenArray(variable).ReadAllAsync());
            for (int t = 0; t < 12; t++)
                for (int y = 0; y < NLat; y++)
                    for (int x = 0; x < NLon; x++)
                        Assert.Equal(Value(variable, t, y, x), values[(t * NLat + y) * NLon + x]);
        }
    }

    [Theory]
    [InlineData(ZarrFormat.V2)]
    [InlineData(ZarrFormat.V3)]
    public async Task ScalarDataVariablesAreBroadcastAlongTheConcatDimAsXarrayDataVarsAll(ZarrFormat format)
    {
        var files = Enumerable.Range(0, 2).ToDictionary(d => $"mem://tas_day{d}.nc", d => File("tas", d, withScalar: true));
        var request = new RunRequest("scalar", "sha", "time", [.. files.Keys.Select((url, i) => new RunInput(i, 0, url))], "auto", null,
            [new DatasetTransform.Squeeze(["height"])], ChunkingPolicy.Auto, ImmutableDictionary<string, ChunkingPolicy>.Empty, AttributeSet.Empty, 64L << 20, 1, 1);
        var store = new MemoryStore();
        var runner = new RecipeRunner(new MemoryFetcher(files), new MemoryDatasetOpener(files), NullProgressSink.Instance);
        await using (var prepared = await runner.PrepareAsync(request, CancellationToken.None))
            await runner.ExecuteAsync(prepared, new ZarrTargetWriter(store, format, _ => []), new StoreRunLedger(store), CancellationToken.None);
        var group = await ZarrGroupReader.OpenAsync(store);
        // Replaces "scalar variables are written once": xarray.open_mfdataset (data_vars="all") gives crs(time).
        Assert.Equal([2L * Steps], group.Arrays["crs"].Shape.ToArray());
        Assert.Equal(Enumerable.Repeat(4326, 2 * Steps), Bytes.As<int>(await group.OpenArray("crs").ReadAllAsync()));
        Assert.Equal("latitude_longitude", group.Arrays["crs"].Attributes["grid_mapping_name"]!.GetValue<string>());
    }
}
