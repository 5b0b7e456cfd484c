using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The ledger's identity is semantic: a recipe that differs only in comments and key order is the same run; an
/// input whose bytes changed under the same URL is reported (exit 1, naming it) and never mixed in, and
/// <c>--overwrite</c> rewrites the store from the new bytes even when an input cache holds the old ones.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class InputIdentityTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-identity-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task Comments_and_key_order_do_not_make_another_run()
    {
        var dir = CliWork.ServedFolder(inputs, "identity-text", inputs.Files.DailyFiles.Take(4));
        var recipe = CliWork.DailyRecipe(_work, inputs, "text", Path.GetFileName(dir), "1981-09-04");
        var store = Path.Combine(_work, "text.zarr");
        var first = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(first.ExitCode == 0, first.Stderr);

        var text = File.ReadAllText(recipe);
        var edited = "# a comment the ledger must not care about\n" + text
            .Replace("{ start: 1981-09-01, end: 1981-09-04, step: 1 day }", "{ step: 1 day, end: 1981-09-04, start: 1981-09-01 }  # same range", StringComparison.Ordinal);
        Assert.NotEqual(text, edited);
        File.WriteAllText(recipe, edited);
        var again = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("up to date", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_changed_under_the_same_url_is_exit_1_naming_it_and_overwrite_uses_the_new_bytes_despite_the_cache()
    {
        var days = inputs.Files.DailyFiles.Take(4).ToArray();
        var dir = CliWork.ServedFolder(inputs, "identity-changed", days);
        var recipe = CliWork.DailyRecipe(_work, inputs, "changed", Path.GetFileName(dir), "1981-09-04");
        var store = Path.Combine(_work, "changed.zarr");
        var cache = Path.Combine(_work, "cache");
        var first = await ForgeCli.RunAsync("run", recipe, "--target", store, "--cache", cache, "--progress", "none");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var before = CliWork.Files(store).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(store, f)));

        // The provider republishes the first day under the same name with a new title (NCO edits it in place;
        // ncap2 would unpack sst). The store's global attributes come from the inputs, so comparing them with a
        // fresh run shows whether the new bytes or a stale cached copy were read.
        var victim = Path.Combine(dir, Path.GetFileName(days[0]));
        Processes.Check("ncatted", "-h", "-a", "title,global,o,c,republished", victim);

        var refused = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(refused.ExitCode == 1, $"exit {refused.ExitCode}\n{refused.Stderr}");
        Assert.Contains($"{Path.GetFileName(days[0])} changed since it was written", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--overwrite", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(before.Keys.Where(k => k != ".forge/lease"), CliWork.Files(store));
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(Path.Combine(store, kv.Key))));

        var replaced = await ForgeCli.RunAsync("run", recipe, "--target", store, "--cache", cache, "--overwrite", "--progress", "none");
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        var fresh = Path.Combine(_work, "fresh.zarr");
        var full = await ForgeCli.RunAsync("run", recipe, "--target", fresh, "--progress", "none");
        Assert.True(full.ExitCode == 0, full.Stderr);
        await StoreComparison.AssertSameArraysAsync(StoreLocator.Open(fresh), StoreLocator.Open(store));
        Assert.Equal(RootAttributes(fresh).ToJsonString(), RootAttributes(store).ToJsonString());
        var plain = await ForgeCli.RunAsync("run", recipe, "--target", store, "--cache", cache, "--progress", "none");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.Contains("up to date", plain.Stderr, StringComparison.Ordinal);
    }

    private static System.Text.Json.Nodes.JsonObject RootAttributes(string store) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(store, "zarr.json")))!["attributes"]!.AsObject();
}
