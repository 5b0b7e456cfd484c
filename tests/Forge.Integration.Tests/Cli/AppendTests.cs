using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Append (issue #9): when a recipe's concat range grows, only the new inputs are downloaded (the existing ones are
/// checked with a HEAD against the ledger's size and ETag), the store equals a fresh run of the longer recipe, and a
/// second run downloads nothing. An input changed under an existing key is reported (exit 1, named) and nothing is
/// mixed in. Downloads are counted on the in-process Kestrel server.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class AppendTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-append-");

    public void Dispose() => CliWork.Delete(_work);

    // A download is a GET without a Range header: forge run reads headers by range first (shown as "GET range").
    private List<(string Method, string Path)> RequestsSince(int mark, string folder) =>
        [.. inputs.Server.RequestsWithRanges.Skip(mark).Where(r => r.Path.StartsWith($"/{folder}/", StringComparison.Ordinal)).Select(r => (r.Range.Length > 0 ? r.Method + " range" : r.Method, r.Path))];

    private static string Day(DateOnly d) => $"oisst-avhrr-v02r01.{d:yyyyMMdd}.nc";

    [Fact]
    public async Task End_today_run_20_days_then_35_fetches_15_new_inputs_then_none_and_equals_a_fresh_run()
    {
        var folder = "append-today";
        CliWork.ServedFolder(inputs, folder, inputs.Files.DailyFiles);
        // time chunks of 6: the 20-day store ends inside a chunk, which the append completes from the store.
        var chunks = "{ time: 6, lat: 18, lon: 36 }";
        var recipe = CliWork.DailyRecipe(_work, inputs, "today", folder, "today", chunks: chunks);
        var store = Path.Combine(_work, "today.zarr");

        int mark = inputs.Server.Requests.Count;
        var first = await ForgeCli.RunAtAsync(new DateTimeOffset(1981, 9, 20, 6, 17, 0, TimeSpan.Zero), "run", recipe, "--target", store, "--progress", "none");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(20, RequestsSince(mark, folder).Count(r => r.Method == "GET"));

        mark = inputs.Server.Requests.Count;
        var second = await ForgeCli.RunAtAsync(new DateTimeOffset(1981, 10, 5, 6, 17, 0, TimeSpan.Zero), "run", recipe, "--target", store, "--progress", "json");
        Assert.True(second.ExitCode == 0, second.Stderr);
        var requests = RequestsSince(mark, folder);
        var expected = Enumerable.Range(20, 15).Select(i => $"/{folder}/{Day(new DateOnly(1981, 9, 1).AddDays(i))}").ToArray();
        Assert.Equal(expected, requests.Where(r => r.Method == "GET").Select(r => r.Path).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(20, requests.Count(r => r.Method == "HEAD"));

        var fixedRecipe = CliWork.DailyRecipe(_work, inputs, "fixed", folder, "1981-10-05", chunks: chunks);
        var fresh = Path.Combine(_work, "fresh.zarr");
        var full = await ForgeCli.RunAsync("run", fixedRecipe, "--target", fresh, "--progress", "none");
        Assert.True(full.ExitCode == 0, full.Stderr);
        await StoreComparison.AssertSameArraysAsync(StoreLocator.Open(fresh), StoreLocator.Open(store));
        var (a, b) = (RootAttributes(fresh), RootAttributes(store));
        foreach (var provenance in new[] { "forge:recipe_id", "forge:recipe_sha256", "title" }) { a.Remove(provenance); b.Remove(provenance); }
        Assert.Equal(a.ToJsonString(), b.ToJsonString());

        mark = inputs.Server.Requests.Count;
        var third = await ForgeCli.RunAtAsync(new DateTimeOffset(1981, 10, 5, 23, 0, 0, TimeSpan.Zero), "run", recipe, "--target", store, "--progress", "none");
        Assert.True(third.ExitCode == 0, third.Stderr);
        Assert.Contains("up to date", third.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(RequestsSince(mark, folder), r => r.Method == "GET");
    }

    [Fact]
    public async Task A_changed_input_under_an_existing_key_is_reported_and_nothing_is_mixed_in()
    {
        var folder = "append-changed";
        var dir = CliWork.ServedFolder(inputs, folder, inputs.Files.DailyFiles.Take(35));
        var recipe = CliWork.DailyRecipe(_work, inputs, "changed", folder, "1981-09-20", zarrFormat: 2, chunks: "{ time: 6, lat: 18, lon: 36 }");
        var store = Path.Combine(_work, "changed.zarr");
        var first = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var before = CliWork.Files(store).Where(f => f != ".forge/lease").ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(store, f)));

        // The provider republishes day 5 under the same name, and the recipe grows to 35 days.
        var victim = Day(new DateOnly(1981, 9, 5));
        Processes.Check("ncatted", "-h", "-a", "title,global,o,c,republished", Path.Combine(dir, victim));
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("end: 1981-09-20", "end: 1981-10-05", StringComparison.Ordinal));

        var refused = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(refused.ExitCode == 1, $"exit {refused.ExitCode}\n{refused.Stderr}");
        Assert.Contains($"{victim} changed since it was written", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--overwrite", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(before.Keys, CliWork.Files(store).Where(f => f != ".forge/lease"));
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(Path.Combine(store, kv.Key))));

        // With --overwrite the store is rebuilt from the new bytes and equals a fresh run.
        var replaced = await ForgeCli.RunAsync("run", recipe, "--target", store, "--overwrite", "--progress", "none");
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        var fresh = Path.Combine(_work, "fresh.zarr");
        var full = await ForgeCli.RunAsync("run", recipe, "--target", fresh, "--progress", "none");
        Assert.True(full.ExitCode == 0, full.Stderr);
        await StoreComparison.AssertSameArraysAsync(StoreLocator.Open(fresh), StoreLocator.Open(store));
    }

    private static System.Text.Json.Nodes.JsonObject RootAttributes(string store) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(store, "zarr.json")))!["attributes"]!.AsObject();
}
