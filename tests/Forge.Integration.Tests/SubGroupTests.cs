using Forge.Integration.Tests.Cli;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests;

/// <summary>
/// NetCDF-4 inputs whose sub-group holds variables: refused by default, naming the file, the group and the recipe key
/// that changes it; with <c>inputs.netcdf.sub_groups: ignore</c> the root group is converted and equals what
/// xarray.open_dataset reads (it opens the root group and skips sub-groups). The ignore run uses the real program, so
/// its header check runs in forge's long-lived child process too. `forge inspect` shows the root group and lists the
/// skipped sub-group.
/// </summary>
public sealed class SubGroupTests : IDisposable
{
    private const string Cdl = """
        netcdf g {
        dimensions:
          time = UNLIMITED ;
          station = 2 ;
        variables:
          double time(time) ;
            time:units = "days since 2000-01-01" ;
          float temp(time, station) ;
            temp:units = "K" ;
        data:
          time = TIMES ;
          temp = VALUES ;

        group: forecast {
          variables:
            float t2m(station) ;
          data:
            t2m = 280, 281 ;
          }
        }
        """;

    private readonly string _work = CliWork.TempDir("forge-groups-");

    public void Dispose() => CliWork.Delete(_work);

    private string[] MakeInputs()
    {
        var files = new List<string>();
        foreach (var (n, times, values) in new[] { (1, "0, 1", "1, 2, 3, 4"), (2, "2", "5, 6") })
        {
            var cdl = Path.Combine(_work, $"g-{n}.cdl");
            var nc = Path.Combine(_work, $"g-{n}.nc");
            File.WriteAllText(cdl, Cdl.Replace("TIMES", times).Replace("VALUES", values));
            Processes.Check("ncgen", "-k", "nc4", "-o", nc, cdl);
            files.Add(nc);
        }

        return [.. files];
    }

    private string Recipe(string name, string netcdf) => RecipeFiles.Write(_work, name, $$"""
        forge: 1
        id: {{name}}
        inputs:
          url: "{{_work}}/g-{time}.nc"
          concat:
            dim: time
            keys:
              list: [1, 2]
          {{netcdf}}
        target:
          zarr_format: 2
        """);

    [Fact]
    public async Task A_sub_group_is_refused_naming_file_group_and_key_unless_the_recipe_says_ignore()
    {
        var files = MakeInputs();

        var refused = Path.Combine(_work, "refused.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", Recipe("groups-reject", ""), "--target", refused, "--progress", "none");
        Assert.True(code == 1, $"exit {code}\n{err}");
        Assert.Contains(files[0], err, StringComparison.Ordinal);
        Assert.Contains("group '/forecast'", err, StringComparison.Ordinal);
        Assert.Contains("inputs.netcdf.sub_groups: ignore", err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(refused, ".zmetadata")), "nothing may be published");

        var store = Path.Combine(_work, "ignored.zarr");
        using var forge = ForgeProcess.Start(["run", Recipe("groups-ignore", "netcdf: { sub_groups: ignore }"), "--target", store, "--progress", "none"]);
        var exit = await forge.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"exit {exit}\n{forge.Stderr}");
        Assert.False(Directory.Exists(Path.Combine(store, "t2m")) || Directory.Exists(Path.Combine(store, "forecast")), "a sub-group variable was written");

        var (pyCode, pyOut, pyErr) = Processes.Run(Processes.Python, [Path.Combine(AppContext.BaseDirectory, "peers", "compare_xarray.py"), store, "time", "--", .. files]);
        Assert.True(pyCode == 0, $"xarray comparison failed:\n{pyOut}\n{pyErr}");

        // inspect shows the root group and lists the skipped sub-group instead of refusing the file.
        var inspect = await ForgeCli.RunAsync("inspect", files[0]);
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        Assert.Contains("float temp(time, station)", inspect.Stdout, StringComparison.Ordinal);
        Assert.Contains("group '/forecast': 1 variable(s)", inspect.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("t2m", inspect.Stdout, StringComparison.Ordinal);
    }
}
