using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// <c>forge inspect</c> beyond headers: an array inside a store, coordinate ranges with decoded times, --json, and
/// files that are none of the formats named as such; <c>forge validate --json</c>.
/// </summary>
public sealed class InspectTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-inspect-");

    public void Dispose() => CliWork.Delete(_work);

    private async Task<string> QuickstartStoreAsync()
    {
        var store = Path.Combine(_work, "qs.zarr");
        var run = await ForgeCli.RunAsync("run", Repo.PathOf("recipes", "quickstart"), "--prune", "3", "--target", store, "--progress", "none");
        Assert.True(run.ExitCode == 0, run.Stderr);
        return store;
    }

    [Fact]
    public async Task A_grib_file_that_needs_a_filter_is_inspected_with_filter_and_found_behind_a_bulletin_header()
    {
        // t on isobaric levels plus t at the surface: cfgrib needs filter_by_keys, so does Forge.
        var fixtures = Path.Combine(_work, "grib");
        Processes.Check("bash", Repo.PathOf("tests", "data", "grib", "make-fixtures.sh"), fixtures);
        var file = Path.Combine(fixtures, "bad_two_level_types.grib2");
        var refused = await ForgeCli.RunAsync("inspect", file);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("typeOfLevel", refused.Stderr, StringComparison.Ordinal);

        var (code, stdout, stderr) = await ForgeCli.RunAsync("inspect", file, "--filter", "typeOfLevel=isobaricInhPa", "--filter", "shortName=t,u");
        Assert.True(code == 0, stderr);
        Assert.Contains("isobaricInhPa = 3", stdout, StringComparison.Ordinal);

        var bulletin = await ForgeCli.RunAsync("inspect", Path.Combine(fixtures, "bulletin_grib2.grib2"), "--filter", "shortName=u");
        Assert.True(bulletin.ExitCode == 0, bulletin.Stderr);
        Assert.Contains("float u(", bulletin.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("float t(", bulletin.Stdout, StringComparison.Ordinal);

        var bad = await ForgeCli.RunAsync("inspect", file, "--filter", "shortName");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("key=value", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_array_inside_a_store_is_described_with_its_coordinate_range()
    {
        var store = await QuickstartStoreAsync();
        var (code, stdout, stderr) = await ForgeCli.RunAsync("inspect", Path.Combine(store, "sst"));
        Assert.True(code == 0, stderr);
        Assert.Contains("sst int16 (time, lat, lon) shape (3, 180, 360)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("lon float", stdout, StringComparison.Ordinal);

        var time = await ForgeCli.RunAsync("inspect", Path.Combine(store, "time"), "--json");
        Assert.True(time.ExitCode == 0, time.Stderr);
        var doc = JsonNode.Parse(time.Stdout)!;
        Assert.Equal("time", (string?)doc["array"]);
        Assert.Equal("1981-09-01T12:00:00", (string?)doc["coordinates"]!["time"]!["first_time"]);
        Assert.Equal("1981-09-03T12:00:00", (string?)doc["coordinates"]!["time"]!["last_time"]);
        Assert.Equal(3, (int)doc["coordinates"]!["time"]!["length"]!);
    }

    [Fact]
    public async Task A_whole_store_lists_every_coordinate_range_and_json_has_the_arrays()
    {
        var store = await QuickstartStoreAsync();
        var (code, stdout, stderr) = await ForgeCli.RunAsync("inspect", store);
        Assert.True(code == 0, stderr);
        Assert.Contains("coordinates:", stdout, StringComparison.Ordinal);
        Assert.Contains("  time: 1981-09-01T12:00:00 … 1981-09-03T12:00:00 (3 values)", stdout, StringComparison.Ordinal);
        Assert.Contains("  lat: -89.5 … 89.5 degrees_north (180 values)", stdout, StringComparison.Ordinal);

        var json = await ForgeCli.RunAsync("inspect", store, "--json");
        var doc = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(3, (int)doc["zarr_format"]!);
        Assert.Equal(new long[] { 3, 180, 360 }, doc["arrays"]!["sst"]!["shape"]!.AsArray().Select(n => (long)n!).ToArray());
        Assert.Equal("quickstart-oisst", (string?)doc["attributes"]!["forge:recipe_id"]);
    }

    [Fact]
    public async Task A_netcdf_file_shows_decoded_time_range_as_cdl_comments_and_json()
    {
        var file = Directory.GetFiles(Repo.PathOf("recipes", "quickstart", "data")).Order(StringComparer.Ordinal).First();
        var (code, stdout, stderr) = await ForgeCli.RunAsync("inspect", file);
        Assert.True(code == 0, stderr);
        Assert.Contains("//\ttime: 1981-09-01T12:00:00 … 1981-09-01T12:00:00 (1 value)", stdout, StringComparison.Ordinal);
        Assert.EndsWith("}\n", stdout, StringComparison.Ordinal);

        // The text is still CDL: ncgen accepts it.
        var cdl = Path.Combine(_work, "h.cdl");
        File.WriteAllText(cdl, stdout);
        Processes.Check("ncgen", "-o", Path.Combine(_work, "h.nc"), cdl);

        var json = await ForgeCli.RunAsync("inspect", file, "--json");
        var doc = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(180, (int)doc["dimensions"]!["lat"]!);
        Assert.Equal("short", ((string?)doc["variables"]!["sst"]!["dtype"]) switch { "int16" => "short", var x => x });
        Assert.Equal(-89.5, (double)doc["coordinates"]!["lat"]!["first"]!);
        Assert.Equal("1981-09-01T12:00:00", (string?)doc["coordinates"]!["time"]!["first_time"]);
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("notes.txt")]
    public async Task A_file_of_another_kind_is_named_as_not_netcdf_hdf5_grib_or_zarr(string name)
    {
        var path = Path.Combine(_work, name);
        // "GRIB" in the text must not make it look like GRIB.
        File.WriteAllText(path, "# Forge\nForge turns GRIB and NetCDF archives into Zarr.\n");
        var (code, stdout, stderr) = await ForgeCli.RunAsync("inspect", path);
        Assert.True(code == 1, $"exit {code}\n{stderr}");
        Assert.Contains($"{path}: not NetCDF, HDF5, GRIB or Zarr", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("edition", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Validate_json_lists_recipes_and_errors_with_positions()
    {
        var ok = await ForgeCli.RunAsync("validate", Repo.PathOf("recipes", "quickstart"), "--json");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        var doc = JsonNode.Parse(ok.Stdout)!;
        Assert.True((bool)doc["valid"]!);
        Assert.Equal("quickstart-oisst", (string?)doc["recipes"]![0]!["id"]);
        Assert.Equal(10, (int)doc["recipes"]![0]!["inputs"]!);

        var bad = Path.Combine(_work, "bad.yaml");
        File.WriteAllText(bad, "forge: 1\nid: bad\ninputs:\n  url: x\n");
        var invalid = await ForgeCli.RunAsync("validate", bad, "--json");
        Assert.Equal(2, invalid.ExitCode);
        var errs = JsonNode.Parse(invalid.Stdout)!;
        Assert.False((bool)errs["valid"]!);
        Assert.NotEmpty(errs["errors"]!.AsArray());
        Assert.Equal(bad, (string?)errs["errors"]![0]!["file"]);
        Assert.True((int)errs["errors"]![0]!["line"]! >= 1);
    }
}
