using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests;

/// <summary>
/// Bad input gets a clear error naming the culprit, the documented exit code, and nothing half-published:
/// an unknown recipe key (2, line:column), a 404 in the middle of the inputs (1, the URL), a truncated NetCDF file
/// (1, the file), two inputs whose lat sizes differ (1, both files).
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class BadInputTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("forge-bad-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_work, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Unknown_recipe_key_is_exit_2_with_line_and_column()
    {
        var recipe = RecipeFiles.Daily(_work, inputs.Server.BaseUrl, 2, "chunk_shape: { time: 4 }");
        var store = Path.Combine(_work, "never.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store);
        Assert.Equal(2, code);
        Assert.Contains($"{recipe}:15:3:", err, StringComparison.Ordinal);
        Assert.Contains("chunk_shape", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(store));
        var validate = await ForgeCli.RunAsync("validate", recipe);
        Assert.Equal(2, validate.ExitCode);
    }

    [Fact]
    public async Task Http_404_in_the_middle_of_the_inputs_is_exit_1_naming_the_url()
    {
        var dir = Folder("gappy", inputs.Files.DailyFiles.Take(8).Where(f => !f.EndsWith("19810905.nc", StringComparison.Ordinal)));
        var recipe = RecipeFiles.Write(_work, "gappy", Recipe("gappy", "1981-09-08", "oisst-avhrr-v02r01.{time:%Y%m%d}.nc", dir));
        var store = Path.Combine(_work, "gappy.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.Equal(1, code);
        Assert.Contains($"{inputs.Server.BaseUrl}/gappy/oisst-avhrr-v02r01.19810905.nc", err, StringComparison.Ordinal);
        Assert.Contains("404", err, StringComparison.Ordinal);
        AssertNotPublished(store);
    }

    [Fact]
    public async Task Truncated_netcdf_file_is_exit_1_naming_the_file()
    {
        var dir = Folder("truncated", inputs.Files.DailyFiles.Take(4));
        var victim = Path.Combine(dir, "oisst-avhrr-v02r01.19810903.nc");
        var bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..(bytes.Length / 2)]);
        var recipe = RecipeFiles.Write(_work, "truncated", Recipe("truncated", "1981-09-04", "oisst-avhrr-v02r01.{time:%Y%m%d}.nc", dir));
        var store = Path.Combine(_work, "truncated.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.Equal(1, code);
        Assert.Contains("oisst-avhrr-v02r01.19810903.nc", err, StringComparison.Ordinal);
        AssertNotPublished(store);
    }

    [Fact]
    public async Task Inputs_whose_lat_sizes_differ_are_exit_1_naming_both_files()
    {
        var dir = Folder("mixed", inputs.Files.DailyFiles.Take(3));
        Processes.Check(Processes.Python, Repo.PathOf("eng", "data", "make_inputs.py"), "daily", dir, "--start", "1981-09-04", "--days", "1", "--nlat", "18", "--nlon", "72");
        var recipe = RecipeFiles.Write(_work, "mixed", Recipe("mixed", "1981-09-04", "oisst-avhrr-v02r01.{time:%Y%m%d}.nc", dir));
        var store = Path.Combine(_work, "mixed.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.Equal(1, code);
        Assert.Contains("dimension 'lat'", err, StringComparison.Ordinal);
        Assert.Contains("19810901.nc", err, StringComparison.Ordinal);
        Assert.Contains("19810904.nc", err, StringComparison.Ordinal);
        AssertNotPublished(store);
    }

    private string Recipe(string id, string end, string file, string dir) => $$"""
        forge: 1
        id: {{id}}
        inputs:
          url: "{{inputs.Server.BaseUrl}}/{{Path.GetFileName(dir)}}/{{file}}"
          concat:
            dim: time
            keys:
              range: { start: 1981-09-01, end: {{end}}, step: 1 day }
          fetch: { retries: 1, timeout: 20s }
        target:
          zarr_format: 3
        """;

    /// <summary>A served folder with copies of the given inputs.</summary>
    private string Folder(string name, IEnumerable<string> files)
    {
        var dir = Path.Combine(inputs.Files.Root, name);
        Directory.CreateDirectory(dir);
        foreach (var f in files) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
        return dir;
    }

    private static void AssertNotPublished(string store)
    {
        Assert.False(File.Exists(Path.Combine(store, "zarr.json")), "no metadata may be published after a failed run");
        Assert.False(File.Exists(Path.Combine(store, ".zmetadata")), "no metadata may be published after a failed run");
    }
}
