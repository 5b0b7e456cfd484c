using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The read-only verbs: <c>validate</c> (quickstart ok, a broken recipe named by file:line:column), <c>schema</c>
/// (parseable JSON Schema), <c>plan --json</c> (arrays, chunks, memory estimate; <c>--probe none</c> offline), and
/// <c>inspect</c> on a NetCDF file, its http URL, and Forge-written Zarr v2 and v3 stores.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class ValidatePlanInspectTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-verbs-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task Validate_quickstart_is_ok()
    {
        var (code, stdout, stderr) = await ForgeCli.RunAsync("validate", Repo.PathOf("recipes", "quickstart"));
        Assert.True(code == 0, stderr);
        Assert.StartsWith("ok: quickstart-oisst", stdout, StringComparison.Ordinal);
        Assert.Contains("10 inputs", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    range: { start: 1981-09-01, end: 1981-09-10, step: 1 fortnight }", 7, "step")]
    [InlineData("  format: netcdf5", 8, "netcdf5")]
    [InlineData("  url: \"data/{tyme:%Y%m%d}.nc\"", 3, "tyme")]
    public async Task Validate_broken_recipe_is_exit_2_with_file_line_column(string badLine, int line, string named)
    {
        string[] lines =
        [
            "forge: 1",
            "id: broken",
            "inputs:",
            "  url: \"data/{time:%Y%m%d}.nc\"",
            "  concat:",
            "    dim: time",
            "    keys:",
            "      range: { start: 1981-09-01, end: 1981-09-10, step: 1 day }",
            "  format: netcdf4",
        ];
        // The bad line replaces the good line it mimics (same indentation), so the error's line is known.
        var index = Array.FindIndex(lines, l => l.TrimStart().Split(':')[0] == badLine.TrimStart().Split(':')[0]);
        lines[index] = badLine.StartsWith("    range", StringComparison.Ordinal) ? "  " + badLine : badLine;
        Assert.Equal(line, index);
        var recipe = RecipeFiles.Write(_work, "broken", string.Join('\n', lines) + "\n");

        var (code, stdout, stderr) = await ForgeCli.RunAsync("validate", recipe);
        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains($"{recipe}:{line + 1}:", stderr, StringComparison.Ordinal);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("ok:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_is_json_with_inputs_and_target_properties()
    {
        var (code, stdout, stderr) = await ForgeCli.RunAsync("schema");
        Assert.True(code == 0, stderr);
        var schema = JsonNode.Parse(stdout)!.AsObject();
        var properties = schema["properties"]!.AsObject();
        Assert.True(properties.ContainsKey("inputs"));
        Assert.True(properties.ContainsKey("target"));
        Assert.Contains("forge", schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Plan_json_lists_arrays_chunks_and_a_memory_estimate_and_writes_nothing()
    {
        var recipe = RecipeFiles.Daily(_work, inputs.Server.BaseUrl, 3, end: "1981-09-06");
        var target = Path.Combine(_work, "planned.zarr");
        var (code, stdout, stderr) = await ForgeCli.RunAsync("plan", recipe, "--json", "--target", target);
        Assert.True(code == 0, stderr);
        var doc = JsonNode.Parse(stdout)!;
        Assert.Equal(6, doc["inputs"]!.GetValue<int>());
        var plan = doc["plan"]!;
        Assert.Equal(6, plan["concat_length"]!.GetValue<long>());
        Assert.False(plan["estimated_from_first_input"]!.GetValue<bool>());
        var arrays = plan["arrays"]!.AsArray().ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!);
        Assert.Equal(["anom", "lat", "lon", "sst", "time"], arrays.Keys.Order(StringComparer.Ordinal));
        var sst = arrays["sst"];
        Assert.Equal("int16", sst["dtype"]!.GetValue<string>());
        Assert.Equal([6L, 36, 72], sst["shape"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.Equal([6L, 18, 36], sst["chunks"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.Equal(4, sst["objects"]!.GetValue<long>());
        Assert.True(plan["memory_estimate_bytes"]!.GetValue<long>() > 0);
        Assert.Equal(arrays.Values.Sum(a => a!["objects"]!.GetValue<long>()), plan["objects"]!.GetValue<long>());
        Assert.Equal("single-pass", plan["strategy"]!.GetValue<string>());
        Assert.Equal(1, plan["passes"]!.GetValue<int>());
        Assert.Equal(0, plan["intermediate_bytes"]!.GetValue<long>());
        Assert.True(plan["memory_estimate_bytes"]!.GetValue<long>() <= doc["max_memory"]!.GetValue<long>());
        CliWork.AssertNothingWritten(target);

        // --probe first estimates from the first key's file; with equal files the estimate is the full plan.
        var first = await ForgeCli.RunAsync("plan", recipe, "--json", "--probe", "first", "--target", target);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var firstPlan = JsonNode.Parse(first.Stdout)!["plan"]!.AsObject();
        Assert.True(firstPlan["estimated_from_first_input"]!.GetValue<bool>());
        Assert.Equal(6, firstPlan["concat_length"]!.GetValue<long>());
        foreach (var key in new[] { "arrays", "objects", "strategy", "passes", "memory_estimate_bytes" })
            Assert.True(JsonNode.DeepEquals(plan[key], firstPlan[key]), $"--probe first: {key} {firstPlan[key]!.ToJsonString()}\nvs --probe all: {plan[key]!.ToJsonString()}");
    }

    [Fact]
    public async Task Plan_shows_the_strategy_and_scratch_from_the_recipe_or_the_flags()
    {
        var scratch = Path.Combine(_work, "scratch");
        var recipe = RecipeFiles.Daily(_work, inputs.Server.BaseUrl, 3, end: "1981-09-04");
        File.AppendAllText(recipe, "\nrun:\n  strategy: passes\n  scratch: scratch\n"); // relative to the recipe's folder
        Assert.Equal(_work, Path.GetDirectoryName(recipe));
        var (code, stdout, stderr) = await ForgeCli.RunAsync("plan", recipe, "--json");
        Assert.True(code == 0, stderr);
        var doc = JsonNode.Parse(stdout)!;
        Assert.Equal("passes", doc["strategy_requested"]!.GetValue<string>());
        Assert.Equal(scratch, doc["scratch"]!.GetValue<string>());
        Assert.StartsWith("run.strategy passes: ", doc["plan"]!["strategy_reason"]!.GetValue<string>(), StringComparison.Ordinal);

        var flags = await ForgeCli.RunAsync("plan", recipe, "--json", "--strategy", "spill", "--scratch", Path.Combine(_work, "other"));
        Assert.True(flags.ExitCode == 0, flags.Stderr);
        var flagged = JsonNode.Parse(flags.Stdout)!;
        Assert.Equal("spill", flagged["strategy_requested"]!.GetValue<string>());
        Assert.Equal(Path.Combine(_work, "other"), flagged["scratch"]!.GetValue<string>());
        var plain = await ForgeCli.RunAsync("plan", recipe, "--strategy", "auto");
        Assert.Contains("(run.strategy auto)", plain.Stdout, StringComparison.Ordinal);

        var bad = await ForgeCli.RunAsync("plan", recipe, "--strategy", "spil");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--strategy spil: must be one of auto, single, passes, spill", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_with_items_per_file_fetches_only_the_first_input()
    {
        // A server of our own over the same files, so its counters see only this test's requests.
        await using var server = await StaticServer.StartAsync(inputs.Files.Root);
        var recipe = RecipeFiles.Daily(_work, server.BaseUrl, 3, end: "1981-09-08");
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("    dim: time\n", "    dim: time\n    items_per_file: 1\n", StringComparison.Ordinal));
        Assert.Contains("items_per_file: 1", File.ReadAllText(recipe), StringComparison.Ordinal);
        var (code, stdout, stderr) = await ForgeCli.RunAsync("plan", recipe, "--json");
        Assert.True(code == 0, stderr);
        var doc = JsonNode.Parse(stdout)!;
        Assert.Equal("first", doc["probe"]!.GetValue<string>());
        Assert.Equal(1, doc["inputs_read"]!.GetValue<int>());
        var gets = server.Requests.Where(r => r.Method == "GET").Select(r => r.Path).ToList();
        Assert.Equal(["/daily/oisst-avhrr-v02r01.19810901.nc"], gets.Distinct());
        long firstFile = new FileInfo(inputs.Files.DailyFiles[0]).Length;
        Assert.True(server.BytesServed <= firstFile * gets.Count, $"{server.BytesServed} bytes served for a {firstFile}-byte first input");
        var plan = doc["plan"]!;
        Assert.Equal(8, plan["concat_length"]!.GetValue<long>());

        // The same plan as fetching every input (which --probe all still does).
        long before = server.BytesServed;
        var all = await ForgeCli.RunAsync("plan", recipe, "--json", "--probe", "all");
        Assert.True(all.ExitCode == 0, all.Stderr);
        var allPlan = JsonNode.Parse(all.Stdout)!["plan"]!;
        foreach (var key in new[] { "arrays", "objects", "strategy", "passes", "memory_estimate_bytes", "concat_length" })
            Assert.True(JsonNode.DeepEquals(plan[key], allPlan[key]), $"{key}: {plan[key]!.ToJsonString()} vs --probe all: {allPlan[key]!.ToJsonString()}");
        Assert.Equal(8, server.Requests.Where(r => r.Method == "GET").Select(r => r.Path).Distinct().Count());
        Assert.True(server.BytesServed - before >= 8 * firstFile * 9 / 10);
    }

    [Fact]
    public async Task Plan_probe_none_works_without_a_server()
    {
        // Port 9 (discard) on loopback: nothing listens, so any fetch would fail.
        var recipe = RecipeFiles.Daily(_work, "http://127.0.0.1:9", 2, end: "1981-09-30");
        var (code, stdout, stderr) = await ForgeCli.RunAsync("plan", recipe, "--json", "--probe", "none");
        Assert.True(code == 0, stderr);
        var doc = JsonNode.Parse(stdout)!;
        Assert.Equal(30, doc["inputs"]!.GetValue<int>());
        Assert.Equal("http://127.0.0.1:9/daily/oisst-avhrr-v02r01.19810930.nc", doc["last_input"]!.GetValue<string>());
        Assert.Null(doc["plan"]);

        var probed = await ForgeCli.RunAsync("plan", recipe, "--json", "--probe", "first");
        Assert.Equal(1, probed.ExitCode);
        Assert.Contains("http://127.0.0.1:9/daily/oisst-avhrr-v02r01.19810901.nc", probed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_a_netcdf_file_and_its_http_url()
    {
        var file = inputs.Files.DailyFiles[0];
        var local = await ForgeCli.RunAsync("inspect", file);
        Assert.True(local.ExitCode == 0, local.Stderr);
        Assert.StartsWith("netcdf oisst-avhrr-v02r01.19810901 {", local.Stdout, StringComparison.Ordinal);
        Assert.Contains("lat = 36 ;", local.Stdout, StringComparison.Ordinal);
        Assert.Contains("short sst(time, zlev, lat, lon)", local.Stdout, StringComparison.Ordinal);
        Assert.Contains("sst:scale_factor = 0.01f ;", local.Stdout, StringComparison.Ordinal);

        var url = $"{inputs.Server.BaseUrl}/daily/{Path.GetFileName(file)}";
        var remote = await ForgeCli.RunAsync("inspect", url);
        Assert.True(remote.ExitCode == 0, remote.Stderr);
        Assert.Contains(url, remote.Stdout, StringComparison.Ordinal);
        // Same header, apart from the source line.
        static string Body(string s) => string.Join('\n', s.Split('\n').Where(l => !l.StartsWith("// source:", StringComparison.Ordinal)));
        Assert.Equal(Body(local.Stdout), Body(remote.Stdout));

        // ncdump agrees on the variables.
        var ncdump = Processes.Check("ncdump", "-h", file);
        foreach (var v in new[] { "short sst(time, zlev, lat, lon)", "short anom(time, zlev, lat, lon)" })
            Assert.Contains(v, ncdump, StringComparison.Ordinal);

        var missing = await ForgeCli.RunAsync("inspect", $"{inputs.Server.BaseUrl}/daily/nope.nc");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nope.nc", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("404", missing.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Inspect_a_forge_written_zarr_store(int zarrFormat)
    {
        var recipe = RecipeFiles.Daily(_work, inputs.Server.BaseUrl, zarrFormat, end: "1981-09-04", id: $"inspect-v{zarrFormat}");
        var store = Path.Combine(_work, $"inspect{zarrFormat}.zarr");
        var run = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var (code, stdout, stderr) = await ForgeCli.RunAsync("inspect", store);
        Assert.True(code == 0, stderr);
        Assert.StartsWith($"zarr {store}", stdout.Replace("file://", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains($"(Zarr v{zarrFormat}, consolidated)", stdout, StringComparison.Ordinal);
        Assert.Contains("  sst int16 (time, lat, lon) shape (4, 36, 72) chunks (4, 18, 36)", stdout, StringComparison.Ordinal);
        Assert.Contains("forge:recipe_id = \"inspect-v" + zarrFormat + "\"", stdout, StringComparison.Ordinal);
        Assert.Contains("scale_factor = 0.009999999776482582", stdout, StringComparison.Ordinal); // the float32 0.01 of the input, widened
    }

    [Fact]
    public async Task Inspect_of_a_file_that_is_not_netcdf_or_grib_is_exit_1_naming_it()
    {
        var junk = Path.Combine(_work, "junk.nc");
        await File.WriteAllTextAsync(junk, "this is not a NetCDF file\n");
        var (code, stdout, stderr) = await ForgeCli.RunAsync("inspect", junk);
        Assert.True(code == 1, $"exit {code}\n{stderr}");
        Assert.Contains(junk, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Inspect_of_a_folder_that_is_not_a_store_says_so()
    {
        var folder = Path.Combine(_work, "not-a-store");
        Directory.CreateDirectory(folder);
        var (code, _, stderr) = await ForgeCli.RunAsync("inspect", folder);
        Assert.True(code == 1, $"exit {code}\n{stderr}");
        Assert.Contains(folder, stderr, StringComparison.Ordinal);
        Assert.Contains("not a Zarr store", stderr, StringComparison.Ordinal);
    }
}
