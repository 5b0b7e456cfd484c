using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests;

/// <summary>
/// The walking skeleton's acceptance: generated inputs served by Kestrel, `forge run` to Zarr v2 and v3, read back
/// by Debian's xarray (v2: every variable, dimension, attribute and decoded time equal to open_mfdataset of the
/// inputs) and by zarrita (v3: values equal to the inputs' raw values).
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class EndToEndTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("forge-it-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_work, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Daily_packed_netcdf4_over_http_to_zarr_v2_equals_xarray()
    {
        var recipe = RecipeFiles.Daily(_work, inputs.Server.BaseUrl, 2);
        var store = Path.Combine(_work, "daily.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(code == 0, err);
        AssertXarrayEqual(store, "time", ["--squeeze", "zlev"], inputs.Files.DailyFiles);
        // Packed data stays packed, as in the inputs.
        var zarray = JsonNode.Parse(File.ReadAllText(Path.Combine(store, "sst", ".zarray")))!;
        Assert.Equal("<i2", zarray["dtype"]!.GetValue<string>());
        Assert.Equal(-999, zarray["fill_value"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(store, ".zmetadata")));
    }

    [Fact]
    public async Task Monthly_netcdf3_with_per_file_time_units_to_zarr_v2_equals_xarray()
    {
        var recipe = RecipeFiles.Monthly(_work, inputs.Server.BaseUrl, 2);
        var store = Path.Combine(_work, "monthly.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(code == 0, err);
        AssertXarrayEqual(store, "time", [], inputs.Files.MonthlyFiles);
        // 365 daily steps from files of 28-31 steps, one units string for the whole axis.
        var time = JsonNode.Parse(File.ReadAllText(Path.Combine(store, "time", ".zattrs")))!;
        Assert.Equal("hours since 1990-01-01 00:00:00", time["units"]!.GetValue<string>());
        var zarray = JsonNode.Parse(File.ReadAllText(Path.Combine(store, "time", ".zarray")))!;
        Assert.Equal(365, zarray["shape"]![0]!.GetValue<int>());
        Assert.Equal(365, zarray["chunks"]![0]!.GetValue<int>()); // dimension coordinate: one chunk
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Daily_to_zarr_v3_is_read_by_zarrita_with_input_values(bool sharded)
    {
        var recipe = RecipeFiles.Daily(_work, inputs.Server.BaseUrl, 3, sharded ? "shards: { time: 32, lat: 36, lon: 72 }" : "", id: sharded ? "daily-sharded" : "daily-oisst");
        var store = Path.Combine(_work, "daily3.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(code == 0, err);
        var expected = Path.Combine(_work, "expected");
        Processes.Check(Processes.Python, [PeerScript("raw_manifest.py"), expected, "time", "--squeeze", "zlev", "--", .. inputs.Files.DailyFiles]);
        var output = Zarrita.Read("v3", store, Path.Combine(expected, "manifest.json"));
        Assert.StartsWith("ok", output, StringComparison.Ordinal);
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(store, "zarr.json")))!;
        Assert.NotNull(root["consolidated_metadata"]);
        var sst = JsonNode.Parse(File.ReadAllText(Path.Combine(store, "sst", "zarr.json")))!;
        Assert.Equal(["time", "lat", "lon"], sst["dimension_names"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(sharded ? "sharding_indexed" : "bytes", sst["codecs"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Second_run_is_a_no_op_and_json_progress_ends_with_a_summary()
    {
        var recipe = RecipeFiles.Daily(_work, inputs.Server.BaseUrl, 3, end: "1981-09-05");
        var store = Path.Combine(_work, "again.zarr");
        var first = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "json");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var lines = first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Contains(lines, l => l["event"]!.GetValue<string>() == "input" && l["url"]!.GetValue<string>().EndsWith("19810901.nc", StringComparison.Ordinal));
        Assert.Contains(lines, l => l["event"]!.GetValue<string>() == "chunk" && l["array"]!.GetValue<string>() == "sst");
        var summary = lines[^1];
        Assert.Equal("summary", summary["event"]!.GetValue<string>());
        Assert.Equal("succeeded", summary["status"]!.GetValue<string>());
        Assert.Equal(5, summary["inputs"]!.GetValue<int>());
        Assert.True(summary["chunks_written"]!.GetValue<long>() > 0);

        var modified = Directory.GetFiles(store, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var second = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "json");
        Assert.True(second.ExitCode == 0, second.Stderr);
        var summary2 = JsonNode.Parse(second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        Assert.Equal(0, summary2["chunks_written"]!.GetValue<long>());
        Assert.All(modified, kv => Assert.Equal(kv.Value, File.GetLastWriteTimeUtc(kv.Key)));
    }

    private static string PeerScript(string name) => Path.Combine(AppContext.BaseDirectory, "peers", name);

    private static void AssertXarrayEqual(string store, string concatDim, string[] options, string[] files)
    {
        var (code, stdout, stderr) = Processes.Run(Processes.Python, [PeerScript("compare_xarray.py"), store, concatDim, .. options, "--", .. files]);
        Assert.True(code == 0, $"xarray comparison failed:\n{stdout}\n{stderr}");
    }
}
