using System.Text.Json.Nodes;
using Forge.Cli.Composition;
using Forge.Core.Arrays;
using Forge.Core.Zarr;
using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Recipe options seen in the store: <c>--prune N</c> keeps N time steps; <c>decode_cf</c> stores float32 with NaN
/// equal to xarray's default decoding; <c>select</c>, <c>rename</c> and <c>attrs</c> shape variables and attributes.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class TransformTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-transforms-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task Prune_3_with_decode_cf_gives_3_float32_steps_equal_to_xarray_decoding()
    {
        var recipe = CliWork.DailyRecipe(_work, inputs, "decoded", "daily", "1981-10-10", zarrFormat: 2, transforms: "  - decode_cf: [sst]");
        var store = Path.Combine(_work, "decoded.zarr");
        var (code, _, stderr) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--prune", "3", "--progress", "none");
        Assert.True(code == 0, stderr);

        Readers.RegisterNativeCodecs();
        var group = await ZarrGroupReader.OpenAsync(StoreLocator.Open(store));
        Assert.Equal([3L], group.Arrays["time"].Shape.ToArray());
        Assert.Equal([3L, 36, 72], group.Arrays["sst"].Shape.ToArray());
        Assert.Equal(DataType.Float32, group.Arrays["sst"].DataType);
        Assert.Equal(DataType.Int16, group.Arrays["anom"].DataType);
        Assert.Equal(3, group.Attributes["forge:inputs"]!.GetValue<int>());

        var check = Processes.Run(Processes.Python,
            [CliWork.PeerScript("compare_decoded.py"), store, "time", "--decoded", "sst", "--squeeze", "zlev", "--", .. inputs.Files.DailyFiles.Take(3)]);
        Assert.True(check.ExitCode == 0, $"decoded comparison failed:\n{check.Stdout}\n{check.Stderr}");
    }

    [Fact]
    public async Task Select_rename_and_attrs_are_reflected_in_the_store()
    {
        var transforms = """
              - select: [sst]
              - rename: { lat: latitude, lon: longitude }
              - attrs: { global: { license: CC0-1.0, title: null }, sst: { comment: "renamed grid" } }
            """;
        // Chunk sizes name the target's (renamed) dimensions: the old names would be an error (no such dimension).
        var recipe = CliWork.DailyRecipe(_work, inputs, "renamed", "daily", "1981-09-05", zarrFormat: 3, transforms: transforms, chunks: "{ time: 4, latitude: 18, longitude: 36 }");
        var store = Path.Combine(_work, "renamed.zarr");
        var (code, _, stderr) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(code == 0, stderr);

        Readers.RegisterNativeCodecs();
        var group = await ZarrGroupReader.OpenAsync(StoreLocator.Open(store));
        Assert.Equal(["latitude", "longitude", "sst", "time"], group.Arrays.Keys.Order(StringComparer.Ordinal));
        var sst = group.Arrays["sst"];
        Assert.Equal(["time", "latitude", "longitude"], sst.DimensionNames!);
        Assert.Equal("renamed grid", sst.Attributes["comment"]!.GetValue<string>());
        Assert.Equal("Daily sea surface temperature", sst.Attributes["long_name"]!.GetValue<string>());
        Assert.Equal("CC0-1.0", group.Attributes["license"]!.GetValue<string>());
        Assert.False(group.Attributes.ContainsKey("title"), "attrs: { title: null } deletes the attribute");
        Assert.Equal("Forge test data", group.Attributes["institution"]!.GetValue<string>());

        // The renamed coordinates hold the inputs' lat/lon values.
        var lat = await group.OpenArray("latitude").ReadAllAsync();
        var expected = Processes.Check(Processes.Python, "-c",
            "import sys, netCDF4; sys.stdout.write(netCDF4.Dataset(sys.argv[1])['lat'][:].astype('<f4').tobytes().hex())", inputs.Files.DailyFiles[0]);
        Assert.Equal(expected, Convert.ToHexStringLower(lat));
        var zarrJson = JsonNode.Parse(File.ReadAllText(Path.Combine(store, "latitude", "zarr.json")))!;
        Assert.Equal("latitude", zarrJson["dimension_names"]![0]!.GetValue<string>());
    }
}
