using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests;

/// <summary>
/// GRIB inputs end to end: three cdo-made GRIB2 files (one date each, steps × pressure levels, two parameters)
/// served over HTTP, filtered to one parameter, stacked along time (the scalar time coordinate becomes the concat
/// dimension), written to Zarr v2 and compared with cfgrib's open_mfdataset of the same files.
/// </summary>
public sealed class GribEndToEndTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("forge-grib-").FullName;
    private StaticServer _server = null!;

    public async Task InitializeAsync()
    {
        var fixtures = Path.Combine(_work, "fixtures");
        Processes.Check("bash", Repo.PathOf("tests", "data", "grib", "make-fixtures.sh"), fixtures);
        var served = Directory.CreateDirectory(Path.Combine(_work, "served")).FullName;
        var source = Path.Combine(fixtures, "cdo_grib2_simple.grib2");
        foreach (var day in new[] { "20200101", "20200102", "20200103" })
            Processes.Check("grib_set", "-s", $"dataDate={day}", source, Path.Combine(served, $"t.{day}.grib2"));
        _server = await StaticServer.StartAsync(served);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try { Directory.Delete(_work, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Grib_files_stacked_along_time_equal_cfgrib()
    {
        var recipe = RecipeFiles.Write(_work, "grib-t", $$"""
            forge: 1
            id: grib-t
            inputs:
              url: "{{_server.BaseUrl}}/t.{time:%Y%m%d}.grib2"
              concat:
                dim: time
                keys:
                  range: { start: 2020-01-01, end: 2020-01-03, step: 1 day }
              format: grib
              grib:
                filter: { shortName: t }
            target:
              zarr_format: 2
            """);
        var store = Path.Combine(_work, "grib.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(code == 0, err);
        var files = Directory.GetFiles(Path.Combine(_work, "served")).Order(StringComparer.Ordinal).ToArray();
        var (pc, stdout, stderr) = Processes.Run(Processes.Python, [Path.Combine(AppContext.BaseDirectory, "peers", "compare_cfgrib.py"), store, "t", .. files]);
        Assert.True(pc == 0, $"cfgrib comparison failed:\n{stdout}\n{stderr}");
    }

    /// <summary>
    /// Non-regular grids (reduced Gaussian on 'values', polar stereographic and rotated lat/lon on (y, x)), one
    /// date per file: latitude/longitude are equal in every file, so they stay static as in xarray's
    /// open_mfdataset (coords="different"); only the data and valid_time gain the time dimension.
    /// </summary>
    [Theory]
    [InlineData("reduced_gg_pl_32_grib2")]
    [InlineData("polar_stereographic_sfc_grib2")]
    [InlineData("rotated_ll_sfc_grib2")]
    public async Task Coordinates_of_non_regular_grids_stay_static_as_in_xarray(string sample)
    {
        var served = Directory.CreateDirectory(Path.Combine(_work, sample)).FullName;
        foreach (var day in new[] { "20200101", "20200102", "20200103" })
            Processes.Check("grib_set", "-s", $"dataDate={day}", $"/usr/share/eccodes/samples/{sample}.tmpl", Path.Combine(served, $"t.{day}.grib2"));
        await using var server = await StaticServer.StartAsync(served);
        var recipe = RecipeFiles.Write(_work, sample, $$"""
            forge: 1
            id: grib-{{sample.Replace('_', '-')}}
            inputs:
              url: "{{server.BaseUrl}}/t.{time:%Y%m%d}.grib2"
              concat:
                dim: time
                keys:
                  range: { start: 2020-01-01, end: 2020-01-03, step: 1 day }
              format: grib
            target:
              zarr_format: 2
            """);
        var store = Path.Combine(_work, sample + ".zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(code == 0, err);
        var files = Directory.GetFiles(served).Order(StringComparer.Ordinal).ToArray();
        var (pc, stdout, stderr) = Processes.Run(Processes.Python, [Path.Combine(AppContext.BaseDirectory, "peers", "compare_cfgrib.py"), store, "t", .. files]);
        Assert.True(pc == 0, $"cfgrib comparison failed:\n{stdout}\n{stderr}");
        var latitude = await File.ReadAllTextAsync(Path.Combine(store, "latitude", ".zattrs"));
        Assert.DoesNotContain("\"time\"", latitude); // _ARRAY_DIMENSIONS without the concat dim
    }
}
