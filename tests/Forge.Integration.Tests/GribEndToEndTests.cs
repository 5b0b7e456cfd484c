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
    /// Non-regular grids (reduced Gaussian and reduced lat/lon on 'values', polar stereographic, rotated lat/lon and
    /// Lambert conformal on (y, x)), CCSDS-packed fields and a TIGGE-style ensemble (number), one date per file:
    /// latitude/longitude are equal in every file, so they stay static as in xarray's open_mfdataset
    /// (coords="different"); only the data and valid_time gain the time dimension.
    /// </summary>
    [Theory]
    [InlineData("reduced_gg_pl_32_grib2", "t")]
    [InlineData("reduced_ll_sfc_grib2", "wvsp1")]
    [InlineData("polar_stereographic_sfc_grib2", "t")]
    [InlineData("rotated_ll_sfc_grib2", "t")]
    [InlineData("ccsds_grib2", "t")]
    [InlineData("lambert-cdo", "t")]
    [InlineData("ensemble", "t")]
    public async Task Coordinates_of_non_regular_grids_stay_static_as_in_xarray(string sample, string shortName)
    {
        var served = Directory.CreateDirectory(Path.Combine(_work, sample)).FullName;
        var template = $"/usr/share/eccodes/samples/{sample}.tmpl";
        if (sample == "lambert-cdo")
        {
            // cdo remaps its topography onto a Lambert conformal grid; the field is then labelled temperature.
            var grid = Path.Combine(_work, "lcc.txt");
            await File.WriteAllTextAsync(grid, """
                gridtype = projection
                xsize = 6
                ysize = 5
                xunits = "m"
                yunits = "m"
                xfirst = -50000
                xinc = 20000
                yfirst = -40000
                yinc = 20000
                grid_mapping_name = lambert_conformal_conic
                standard_parallel = 50.
                longitude_of_central_meridian = 10.
                latitude_of_projection_origin = 50.
                """);
            var topo = Path.Combine(_work, "lcc-topo.grib2");
            Processes.Check("cdo", "-s", "-f", "grb2", $"-remapbil,{grid}", "-topo", topo);
            template = Path.Combine(_work, "lcc.grib2");
            Processes.Check("grib_set", "-s", "discipline=0,parameterCategory=0,parameterNumber=0,typeOfFirstFixedSurface=1", topo, template);
        }

        foreach (var day in new[] { "20200101", "20200102", "20200103" })
        {
            var file = Path.Combine(served, $"t.{day}.grib2");
            if (sample != "ensemble")
            {
                Processes.Check("grib_set", "-s", $"dataDate={day}", template, file);
                continue;
            }

            // TIGGE-style: three perturbed members per file (product template 4.1).
            var members = new List<byte>();
            foreach (var n in new[] { 1, 2, 3 })
            {
                var member = Path.Combine(_work, $"member-{n}.grib2");
                Processes.Check("grib_set", "-s", $"dataDate={day},productDefinitionTemplateNumber=1,typeOfEnsembleForecast=3,perturbationNumber={n},numberOfForecastsInEnsemble=3",
                    "/usr/share/eccodes/samples/regular_ll_sfc_grib2.tmpl", member);
                members.AddRange(await File.ReadAllBytesAsync(member));
            }

            await File.WriteAllBytesAsync(file, [.. members]);
        }

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
        var (pc, stdout, stderr) = Processes.Run(Processes.Python, [Path.Combine(AppContext.BaseDirectory, "peers", "compare_cfgrib.py"), store, shortName, .. files]);
        Assert.True(pc == 0, $"cfgrib comparison failed:\n{stdout}\n{stderr}");
        var latitude = await File.ReadAllTextAsync(Path.Combine(store, "latitude", ".zattrs"));
        Assert.DoesNotContain("\"time\"", latitude); // _ARRAY_DIMENSIONS without the concat dim
    }
}
