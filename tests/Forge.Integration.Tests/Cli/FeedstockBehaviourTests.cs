using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// How the command line treats feedstocks (issue #13): a pruned run writes to a scratch target and never into the
/// production store; `run` on a feedstock runs every recipe, summarises and exits 1 when one failed (`--fail-fast`
/// stops); `plan --json` prints one JSON document; `validate A B` reports every file's errors; `--feedstock-subdir`
/// and the `feedstock/` default; a pangeo-forge meta.yaml gets migration messages that name each key.
/// </summary>
public sealed class FeedstockBehaviourTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-feedstock-");

    public void Dispose() => CliWork.Delete(_work);

    /// <summary>A feedstock folder with the quickstart's data and one recipe per (id, target, url) entry.</summary>
    private string Feedstock(string name, params (string Id, string Target, string? Url)[] recipes)
    {
        var dir = Path.Combine(_work, name);
        Directory.CreateDirectory(dir);
        var data = Path.Combine(dir, "data");
        Directory.CreateDirectory(data);
        foreach (var f in Directory.GetFiles(Repo.PathOf("recipes", "quickstart", "data")).Order(StringComparer.Ordinal).Take(4))
            File.Copy(f, Path.Combine(data, Path.GetFileName(f)));
        var quickstart = File.ReadAllText(Repo.PathOf("recipes", "quickstart", "oisst.yaml"));
        var meta = "title: test feedstock\nrecipes:\n";
        foreach (var (id, target, url) in recipes)
        {
            var text = quickstart
                .Replace("id: quickstart-oisst", $"id: {id}", StringComparison.Ordinal)
                .Replace("end: 1981-09-10", "end: 1981-09-04", StringComparison.Ordinal)
                .Replace("target:\n", $"target:\n  url: {target}\n", StringComparison.Ordinal);
            if (url is not null) text = text.Replace("data/oisst-avhrr-v02r01.{time:%Y%m%d}.nc", url, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir, $"{id}.yaml"), text);
            meta += $"  - id: {id}\n    path: {id}.yaml\n";
        }

        File.WriteAllText(Path.Combine(dir, "meta.yaml"), meta);
        return dir;
    }

    private static Dictionary<string, byte[]> Snapshot(string store) =>
        CliWork.Files(store).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(store, f)));

    [Fact]
    public async Task Prune_writes_a_scratch_target_and_never_touches_the_production_store()
    {
        var production = Path.Combine(_work, "prod.zarr");
        var feedstock = Feedstock("fs", ("sst", production, null));
        var full = await ForgeCli.RunAsync("run", feedstock, "--progress", "none");
        Assert.True(full.ExitCode == 0, full.Stderr);
        var before = Snapshot(production);
        Assert.NotEmpty(before);

        var pruned = await ForgeCli.RunAsync("run", feedstock, "--prune", "2", "--progress", "none");
        Assert.True(pruned.ExitCode == 0, pruned.Stderr);
        Assert.Contains(production + ".prune-2", pruned.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(production + ".prune-2", "zarr.json")));
        Assert.Equal(before.Keys, Snapshot(production).Keys);
        Assert.All(Snapshot(production), kv => Assert.Equal(before[kv.Key], kv.Value));

        // The next full run still accepts the production store (a pruned run used to poison its provenance).
        var again = await ForgeCli.RunAsync("run", feedstock, "--progress", "none");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("up to date", again.Stderr, StringComparison.Ordinal);

        // An explicit --target is where a pruned run writes; plan shows the same scratch target.
        var explicitTarget = Path.Combine(_work, "pr-17.zarr");
        var named = await ForgeCli.RunAsync("run", feedstock, "--prune", "1", "--target", explicitTarget, "--progress", "none");
        Assert.True(named.ExitCode == 0, named.Stderr);
        Assert.True(File.Exists(Path.Combine(explicitTarget, "zarr.json")));
        Assert.False(Directory.Exists(production + ".prune-1"));
        var plan = await ForgeCli.RunAsync("plan", feedstock, "--prune", "3", "--json", "--probe", "none");
        Assert.True(plan.ExitCode == 0, plan.Stderr);
        Assert.Equal(production + ".prune-3", JsonNode.Parse(plan.Stdout)!["recipes"]![0]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_feedstock_with_one_failing_recipe_runs_the_others_summarises_and_exits_1()
    {
        var good = Path.Combine(_work, "good.zarr");
        var bad = Path.Combine(_work, "bad.zarr");
        var feedstock = Feedstock("fs", ("broken", bad, "data/missing-{time:%Y%m%d}.nc"), ("fine", good, null));

        var run = await ForgeCli.RunAsync("run", feedstock, "--progress", "none");
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Stderr}");
        Assert.True(File.Exists(Path.Combine(good, "zarr.json")), "the recipe after the failing one still runs");
        Assert.Contains("summary of 2 recipes", run.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"FAILED +broken +.*missing-19810901\.nc", run.Stderr);
        Assert.Matches(@"succeeded +fine +" + System.Text.RegularExpressions.Regex.Escape(good), run.Stderr);
        Assert.Contains("1 of 2 recipes failed", run.Stderr, StringComparison.Ordinal);

        // --fail-fast stops at the first failure: the second recipe is skipped and its target not written.
        CliWork.Delete(good);
        var fast = await ForgeCli.RunAsync("run", feedstock, "--fail-fast", "--progress", "json");
        Assert.Equal(1, fast.ExitCode);
        Assert.False(Directory.Exists(good));
        var summary = CliWork.JsonLines(fast.Stdout)[^1];
        Assert.Equal("feedstock_summary", summary["event"]!.GetValue<string>());
        Assert.Equal(["failed", "skipped"], summary["recipes"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()).ToArray());
        Assert.Equal(1, summary["failed"]!.GetValue<int>());
        Assert.Equal(1, summary["skipped"]!.GetValue<int>());
    }

    [Fact]
    public async Task Plan_json_on_a_feedstock_is_one_document()
    {
        var feedstock = Feedstock("fs", ("first", Path.Combine(_work, "a.zarr"), null), ("second", Path.Combine(_work, "b.zarr"), null));
        var (code, stdout, stderr) = await ForgeCli.RunAsync("plan", feedstock, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout); // throws on two concatenated documents
        Assert.Equal("test feedstock", doc.RootElement.GetProperty("feedstock").GetProperty("title").GetString());
        var recipes = doc.RootElement.GetProperty("recipes").EnumerateArray().ToArray();
        Assert.Equal(["first", "second"], recipes.Select(r => r.GetProperty("recipe").GetString()!).ToArray());
        Assert.All(recipes, r => Assert.Equal(4, r.GetProperty("plan").GetProperty("concat_length").GetInt32()));

        // A recipe file keeps its single plan object.
        var one = await ForgeCli.RunAsync("plan", Path.Combine(feedstock, "first.yaml"), "--json", "--probe", "none");
        Assert.Equal("first", JsonNode.Parse(one.Stdout)!["recipe"]!.GetValue<string>());
    }

    [Fact]
    public async Task One_target_flag_places_every_recipe_with_id_and_never_merges_two_recipes()
    {
        var feedstock = Feedstock("fs", ("first", Path.Combine(_work, "a.zarr"), null), ("second", Path.Combine(_work, "b.zarr"), null));
        var shared = Path.Combine(_work, "one.zarr");
        var refused = await ForgeCli.RunAsync("run", feedstock, "--target", shared, "--progress", "none");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("{id}", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(shared));

        var placed = await ForgeCli.RunAsync("run", feedstock, "--target", Path.Combine(_work, "stores", "{id}.zarr"), "--progress", "none");
        Assert.True(placed.ExitCode == 0, placed.Stderr);
        Assert.True(File.Exists(Path.Combine(_work, "stores", "first.zarr", "zarr.json")));
        Assert.True(File.Exists(Path.Combine(_work, "stores", "second.zarr", "zarr.json")));
        Assert.Contains("all 2 recipes succeeded", placed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_checks_every_file_and_reports_every_error()
    {
        var feedstock = Feedstock("fs", ("sst", Path.Combine(_work, "a.zarr"), null));
        var a = Path.Combine(_work, "a.yaml");
        var b = Path.Combine(_work, "b.yaml");
        File.WriteAllText(a, "forge: 1\nid: Bad-Id\ninputs:\n  url: \"x/{nope}.nc\"\n  concat: { dim: time, keys: { list: [1, 2] } }\n");
        File.WriteAllText(b, "forge: 1\nid: b\ninputs:\n  url: \"x/{time}.nc\"\n  concat: { dim: time, keys: { list: [1, 2] } }\ntarget: { zarr_format: 7 }\n");

        var (code, stdout, stderr) = await ForgeCli.RunAsync("validate", a, feedstock, b);
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains("ok: sst", stdout, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(a)}:2:\d+: .*Bad-Id", stderr);
        Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(a)}:4:\d+: .*nope", stderr);
        Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(b)}:6:\d+: .*zarr_format", stderr);
        Assert.Contains("2 of 3 arguments are invalid (4 errors)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feedstock_repository_is_read_from_its_feedstock_subfolder()
    {
        var repo = Path.Combine(_work, "repo");
        Directory.CreateDirectory(repo);
        var inner = Feedstock("repo/feedstock", ("sst", Path.Combine(_work, "a.zarr"), null));
        Assert.Equal(Path.Combine(repo, "feedstock"), inner);
        var byDefault = await ForgeCli.RunAsync("validate", repo);
        Assert.True(byDefault.ExitCode == 0, byDefault.Stderr);
        Assert.Contains("ok: sst", byDefault.Stdout, StringComparison.Ordinal);

        Directory.Move(inner, Path.Combine(repo, "recipes"));
        var named = await ForgeCli.RunAsync("plan", repo, "--feedstock-subdir", "recipes", "--json", "--probe", "none");
        Assert.True(named.ExitCode == 0, named.Stderr);
        Assert.Equal("sst", JsonNode.Parse(named.Stdout)!["recipes"]![0]!["recipe"]!.GetValue<string>());
        var missing = await ForgeCli.RunAsync("validate", repo, "--feedstock-subdir", "nothing-here");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--feedstock-subdir nothing-here", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pangeo_forge_meta_yaml_gets_a_migration_message_per_key()
    {
        var dir = Path.Combine(_work, "pgf");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "meta.yaml"), """
            title: "Global Precipitation Climatology Project"
            description: Daily precipitation
            pangeo_forge_version: "0.9.0"
            pangeo_notebook_version: "2022.06.02"
            recipes:
              - id: gpcp
                object: "recipe:recipe"
              - dict_object: "recipe:recipes"
            bakery:
              id: "pangeo-ldeo-nsf-earthcube"
            """);
        var (code, _, stderr) = await ForgeCli.RunAsync("validate", dir);
        Assert.Equal(2, code);
        var meta = System.Text.RegularExpressions.Regex.Escape(Path.Combine(dir, "meta.yaml"));
        Assert.Matches($@"(?m)^{meta}:3:1: 'pangeo_forge_version' is a pangeo-forge key: delete it", stderr);
        Assert.Matches($@"(?m)^{meta}:4:1: 'pangeo_notebook_version' .*delete it", stderr);
        Assert.Matches($@"(?m)^{meta}:7:5: 'object' .*replace 'object' with 'path: <file>.yaml'", stderr);
        Assert.Matches($@"(?m)^{meta}:8:5: 'dict_object' .*one Forge YAML file per recipe", stderr);
        Assert.Matches($@"(?m)^{meta}:9:1: 'bakery' .*target.url", stderr);
        Assert.DoesNotContain("unknown key", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("missing required key", stderr, StringComparison.Ordinal);
    }
}
