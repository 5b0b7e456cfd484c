using Forge.Integration.Tests.Cli;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests;

/// <summary>
/// The combine rule against Debian's xarray 2023.01 as the oracle: `forge run` on ncgen-made NetCDF files equals
/// xarray.open_mfdataset(combine="nested", concat_dim="time") with its default options (data_vars="all",
/// coords="different", compat="no_conflicts", combine_attrs="override") read back from the store: variables, dims,
/// dtypes, values (decoded times) and attributes (docs/engine.md, "Combine rules").
/// </summary>
public sealed class CombineRuleTests : IDisposable
{
    // tas names height as a CF coordinate; lat_bnds (bounds), crs (grid mapping) and orog are data variables.
    private const string Cdl = """
        netcdf f {
        dimensions:
          time = UNLIMITED ; lat = 3 ; nv = 2 ;
        variables:
          double time(time) ; time:units = "days since 2000-01-01" ; time:calendar = "standard" ;
          float lat(lat) ; LATATTRS lat:bounds = "lat_bnds" ;
          float lat_bnds(lat, nv) ;
          double height ; height:units = "m" ;
          int crs ; crs:grid_mapping_name = "latitude_longitude" ;
          float VAR(time, lat) ; VAR:coordinates = "height" ; VAR:grid_mapping = "crs" ; VAR:units = "K" ;
          float orog(lat) ; orog:units = "m" ;
        // global attributes:
          :history = "HISTORY" ;
        data:
          time = T0, T1 ; lat = LATS ; lat_bnds = 5, 15, 15, 25, 25, 35 ; height = HEIGHT ; crs = 7 ;
          VAR = 1, 2, 3, 4, 5, T0 ; orog = 100, 200, 300 ;
        }
        """;

    private readonly string _work = CliWork.TempDir("forge-combine-");

    public void Dispose() => CliWork.Delete(_work);

    private string Make(string name, int t0, string var = "tas", bool latUnits = true, bool latFill = false, double height = 2, string lats = "10, 20, 30", string kind = "classic")
    {
        var cdl = Cdl.Replace("VAR", var).Replace("T0", t0.ToString()).Replace("T1", (t0 + 1).ToString())
            .Replace("LATATTRS", (latUnits ? "lat:units = \"degrees_north\" ; lat:long_name = \"latitude\" ;" : "") + (latFill ? " lat:_FillValue = 1e20f ;" : ""))
            .Replace("HEIGHT", height.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("LATS", lats)
            .Replace("HISTORY", "made " + name);
        var path = Path.Combine(_work, name + ".nc");
        File.WriteAllText(Path.Combine(_work, name + ".cdl"), cdl);
        Processes.Check("ncgen", "-k", kind, "-o", path, Path.Combine(_work, name + ".cdl"));
        return path;
    }

    private string Recipe(string id, string keys, string merge = "", string dataVars = "all") => RecipeFiles.Write(_work, id, $$"""
        forge: 1
        id: {{id}}
        inputs:
          url: "{{_work}}/{{(merge.Length > 0 ? "{var}." : "")}}{time}.nc"
          concat:
            dim: time
            keys: { list: [{{keys}}] }
            data_vars: {{dataVars}}
          {{merge}}
        target:
          zarr_format: 2
        """);

    private void AssertEqualsXarray(string store, string[] files, params string[] args)
    {
        var (code, stdout, stderr) = Processes.Run(Processes.Python,
            [Path.Combine(AppContext.BaseDirectory, "peers", "compare_recipe.py"), store, "--coords", "different", .. args, "--", .. files]);
        Assert.True(code == 0, $"xarray comparison failed:\n{stdout}\n{stderr}");
    }

    [Fact]
    public async Task Data_variables_and_differing_coordinates_get_the_concat_dim_as_in_xarray()
    {
        // Two steps per file. Data variables without time (crs, lat_bnds, orog) are broadcast along it (data_vars="all");
        // the coordinate height differs in the last file, so it is broadcast too (coords="different"); lat is equal
        // everywhere (b.nc without units: attributes are the first file's, combine_attrs="override") and stays static;
        // only a.nc gives lat a _FillValue (as files written by xarray do), no value is a fill value: xarray merges.
        string[] files = [Make("a", 0, latFill: true), Make("b", 2, latUnits: false, kind: "nc4"), Make("c", 4, height: 10)];
        var store = Path.Combine(_work, "concat.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", Recipe("concat", "a, b, c"), "--target", store, "--progress", "none");
        Assert.True(code == 0, err);
        AssertEqualsXarray(store, files);
        Assert.Contains("\"time\"", await File.ReadAllTextAsync(Path.Combine(store, "crs", ".zattrs")));
        Assert.DoesNotContain("\"time\"", await File.ReadAllTextAsync(Path.Combine(store, "lat", ".zattrs")));
    }

    [Theory]
    [InlineData("different")]
    [InlineData("minimal")]
    public async Task Data_vars_keeps_equal_data_variables_static_as_xarray_with_that_data_vars(string dataVars)
    {
        // inputs.concat.data_vars is xarray's argument: crs, lat_bnds and orog are equal in every file, so both
        // "different" and "minimal" write them once; height (a coordinate) differs in c.nc and is broadcast either way.
        string[] files = [Make("a", 0), Make("b", 2, kind: "nc4"), Make("c", 4, height: 10)];
        var store = Path.Combine(_work, dataVars + ".zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", Recipe(dataVars, "a, b, c", dataVars: dataVars), "--target", store, "--progress", "none");
        Assert.True(code == 0, err);
        AssertEqualsXarray(store, files, "--data-vars", dataVars);
        Assert.DoesNotContain("\"time\"", await File.ReadAllTextAsync(Path.Combine(store, "crs", ".zattrs")));
        Assert.Contains("\"time\"", await File.ReadAllTextAsync(Path.Combine(store, "height", ".zattrs")));
    }

    [Fact]
    public async Task Merged_groups_share_equal_variables_whatever_their_attributes_as_in_xarray()
    {
        // tas.* and pr.* hold different variables for the same dates; lat, lat_bnds, crs, height and orog are in both.
        // The pr files' lat has no units: xarray merges (values equal), attributes from the first group.
        List<string> files = [];
        foreach (var (key, t0) in new[] { ("a", 0), ("b", 2) })
        {
            files.Add(Make("tas." + key, t0));
            files.Add(Make("pr." + key, t0, var: "pr", latUnits: false));
        }

        var merge = "merge: { dim: var, keys: [tas, pr] }";
        var store = Path.Combine(_work, "merge.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", Recipe("merge", "a, b", merge), "--target", store, "--progress", "none");
        Assert.True(code == 0, err);
        AssertEqualsXarray(store, [.. files], "--merge", "2");
    }

    [Fact]
    public async Task A_merge_that_differs_says_what_differs()
    {
        // Values: lat of pr.b.nc differs at index 1 (xarray: MergeError, conflicting values for 'lat').
        Make("tas.a", 0);
        Make("pr.a", 0, var: "pr", lats: "10, 21, 30");
        var merge = "merge: { dim: var, keys: [tas, pr] }";
        var (code, _, err) = await ForgeCli.RunAsync("run", Recipe("differs", "a", merge), "--target", Path.Combine(_work, "d.zarr"), "--progress", "none");
        Assert.Equal(1, code);
        Assert.Contains("'lat'", err);
        Assert.Contains("element [1]: 20 in ", err);
        Assert.Contains("tas.a.nc but 21 in ", err);
        Assert.Contains("pr.a.nc", err);

        // A broadcast data variable (crs) that differs between the groups: named with both values and files.
        err = await EditPrAndRunAsync(cdl => cdl.Replace("crs = 7", "crs = 8").Replace("10, 21, 30", "10, 20, 30"));
        Assert.Contains("variable 'crs'", err);
        Assert.Contains("element []: 7 in ", err);
        Assert.Contains("but 8 in ", err);

        // Dtype: both named.
        err = await EditPrAndRunAsync(cdl => cdl.Replace("crs = 8", "crs = 7").Replace("float lat(lat)", "double lat(lat)"));
        Assert.Contains("variable 'lat' differs between", err);
        Assert.Contains("dtype Float32 in ", err);
        Assert.Contains("but Float64 in ", err);

        // Rewrites pr.a.nc from its edited CDL and runs the recipe again, which must fail (exit 1): its stderr.
        async Task<string> EditPrAndRunAsync(Func<string, string> edit)
        {
            var pr = Path.Combine(_work, "pr.a.cdl");
            await File.WriteAllTextAsync(pr, edit(await File.ReadAllTextAsync(pr)));
            Processes.Check("ncgen", "-k", "classic", "-o", Path.Combine(_work, "pr.a.nc"), pr);
            var (exit, _, stderr) = await ForgeCli.RunAsync("run", Recipe("differs", "a", merge), "--target", Path.Combine(_work, "d.zarr"), "--progress", "none");
            Assert.Equal(1, exit);
            return stderr;
        }
    }
}
