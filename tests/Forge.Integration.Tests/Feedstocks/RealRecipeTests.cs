using System.Text.Json.Nodes;
using Forge.Integration.Tests.Cli;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Feedstocks;

/// <summary>
/// The real feedstocks in recipes/, offline: each recipe validates and plans as committed (its public URLs), then runs
/// pruned to 2 concat keys against a small mirror of its inputs made in the test (ncgen/cdo, tests/data/recipes/
/// make-mirror.sh) and served over HTTP by an in-process server; the only change to the recipe is the URL prefix.
/// The store must equal xarray's reading (netCDF4 or cfgrib engine) of the mirror files.
/// </summary>
public sealed class RealRecipeTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-real-");

    public void Dispose() => CliWork.Delete(_work);

    public static TheoryData<string, string, string, int, string[]> Recipes => new()
    {
        { "noaa-oisst", "oisst.yaml", "https://www.ncei.noaa.gov/data/sea-surface-temperature-optimum-interpolation/v2.1/access/avhrr", 1, ["--squeeze", "zlev"] },
        { "gpcp-daily", "gpcp.yaml", "https://www.ncei.noaa.gov/data/global-precipitation-climatology-project-gpcp-daily/access", 1, ["--decode-coords-all"] },
        { "terraclimate", "terraclimate.yaml", "http://thredds.northwestknowledge.net:8080/thredds/fileServer/TERRACLIMATE_ALL/data", 3, ["--merge", "3"] },
        { "era5-grib", "era5-t.yaml", "https://data.rda.ucar.edu/ds630.0", 1, ["--engine", "cfgrib", "--filter", "shortName=t", "typeOfLevel=isobaricInhPa"] },
        { "gfs-grib2", "gfs-t2m.yaml", "https://noaa-gfs-bdp-pds.s3.amazonaws.com", 1, ["--engine", "cfgrib", "--coords", "different", "--filter", "shortName=2t", "typeOfLevel=heightAboveGround"] },
    };

    [Theory]
    [MemberData(nameof(Recipes))]
    public async Task Recipe_runs_pruned_against_its_mirror_and_equals_xarray(string feedstock, string file, string publicPrefix, int mergeKeys, string[] compareArgs)
    {
        var recipe = Repo.PathOf("recipes", feedstock, file);
        var text = await File.ReadAllTextAsync(recipe);
        Assert.Contains($"url: \"{publicPrefix}/", text, StringComparison.Ordinal);

        // As committed: valid, and the plan (no network: --probe none) starts at the public URL.
        var validate = await ForgeCli.RunAsync("validate", Repo.PathOf("recipes", feedstock));
        Assert.True(validate.ExitCode == 0, validate.Stderr);
        var dry = await ForgeCli.RunAsync("plan", recipe, "--probe", "none", "--json");
        Assert.True(dry.ExitCode == 0, dry.Stderr);
        Assert.StartsWith(publicPrefix + "/", JsonNode.Parse(dry.Stdout)!["first_input"]!.GetValue<string>(), StringComparison.Ordinal);

        // The mirror, served over HTTP; the recipe copy differs only in the URL prefix.
        var mirror = Path.Combine(_work, "mirror");
        var listing = Processes.Check("bash", Repo.PathOf("tests", "data", "recipes", "make-mirror.sh"), feedstock, mirror);
        var files = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(f => Path.Combine(mirror, f)).ToArray();
        await using var server = await StaticServer.StartAsync(mirror);
        var local = Path.Combine(_work, file);
        var rewritten = text.Replace(publicPrefix, server.BaseUrl, StringComparison.Ordinal);
        Assert.Single(rewritten.Split('\n'), l => l.Contains(server.BaseUrl, StringComparison.Ordinal));
        await File.WriteAllTextAsync(local, rewritten);

        var store = Path.Combine(_work, "store.zarr");
        var plan = await ForgeCli.RunAsync("plan", local, "--prune", "2", "--target", store, "--json");
        Assert.True(plan.ExitCode == 0, plan.Stderr);
        var planned = JsonNode.Parse(plan.Stdout)!;
        Assert.Equal(2 * mergeKeys, planned["inputs"]!.GetValue<int>());
        Assert.Equal(store, planned["target"]!.GetValue<string>());

        var run = await ForgeCli.RunAsync("run", local, "--prune", "2", "--target", store, "--progress", "none");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var used = files.Take(2 * mergeKeys).ToArray();
        var (code, stdout, stderr) = Processes.Run(Processes.Python, [Path.Combine(AppContext.BaseDirectory, "peers", "compare_recipe.py"), store, .. compareArgs, "--", .. used]);
        Assert.True(code == 0, $"xarray comparison failed:\n{stdout}\n{stderr}");
        Assert.StartsWith("ok ", stdout, StringComparison.Ordinal);
    }
}
