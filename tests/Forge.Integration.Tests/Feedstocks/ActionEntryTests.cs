using System.Diagnostics;
using System.Text.Json.Nodes;
using Forge.Integration.Tests.Cli;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Feedstocks;

/// <summary>
/// The GitHub Action's entry script (eng/action/entry.sh, exactly what action.yml runs) on a local feedstock
/// repository, for the three events: a pull request validates, plans and runs pruned into its per-PR scratch target;
/// a push runs fully into the production target; the schedule's update run is a no-op when nothing changed.
/// Validation errors become ::error file=…,line=…:: annotations; the job summary holds the plan and the run table.
/// Also: changed-feedstock detection (eng/action/changed-feedstocks.sh) on a git history.
/// </summary>
public sealed class ActionEntryTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-action-");

    public void Dispose() => CliWork.Delete(_work);

    private string Repository => Path.Combine(_work, "repo");

    private string Production => Path.Combine(_work, "production");

    private string Scratch => Path.Combine(_work, "scratch");

    /// <summary>A feedstock repository laid out like templates/feedstock: feedstock/meta.yaml, two recipes, data.</summary>
    private void MakeRepository()
    {
        var feedstock = Path.Combine(Repository, "feedstock");
        Directory.CreateDirectory(Path.Combine(feedstock, "data"));
        foreach (var f in Directory.GetFiles(Repo.PathOf("recipes", "quickstart", "data")).Order(StringComparer.Ordinal).Take(4))
            File.Copy(f, Path.Combine(feedstock, "data", Path.GetFileName(f)));
        var quickstart = File.ReadAllText(Repo.PathOf("recipes", "quickstart", "oisst.yaml")).Replace("end: 1981-09-10", "end: 1981-09-04", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(feedstock, "sst.yaml"), quickstart.Replace("id: quickstart-oisst", "id: sst", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(feedstock, "sst-v2.yaml"), quickstart.Replace("id: quickstart-oisst", "id: sst-v2", StringComparison.Ordinal).Replace("zarr_format: 3", "zarr_format: 2", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(feedstock, "meta.yaml"), "title: test\nrecipes:\n  - id: sst\n    path: sst.yaml\n  - id: sst-v2\n    path: sst-v2.yaml\n");
    }

    private sealed record Result(int ExitCode, string Stdout, string Stderr, string Summary, Dictionary<string, string> Outputs);

    private Result Entry(string eventName, string eventJson)
    {
        var forge = Path.Combine(_work, "forge");
        if (!File.Exists(forge))
        {
            File.WriteAllText(forge, $"#!/bin/sh\nexec dotnet '{ForgeProcess.ProgramPath}' \"$@\"\n");
            Processes.Check("chmod", "+x", forge);
        }

        var eventPath = Path.Combine(_work, $"{eventName}.json");
        File.WriteAllText(eventPath, eventJson);
        var summary = Path.Combine(_work, $"{eventName}.summary.md");
        var outputs = Path.Combine(_work, $"{eventName}.outputs");
        File.WriteAllText(summary, "");
        File.WriteAllText(outputs, "");
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = Repository, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Repo.PathOf("eng", "action", "entry.sh"));
        psi.Environment["FORGE"] = forge;
        psi.Environment["GITHUB_EVENT_NAME"] = eventName;
        psi.Environment["GITHUB_EVENT_PATH"] = eventPath;
        psi.Environment["GITHUB_STEP_SUMMARY"] = summary;
        psi.Environment["GITHUB_OUTPUT"] = outputs;
        psi.Environment["GITHUB_WORKSPACE"] = Repository;
        psi.Environment["RUNNER_TEMP"] = Path.Combine(_work, "runner");
        psi.Environment["INPUT_COMMAND"] = "auto";
        psi.Environment["INPUT_FEEDSTOCK"] = ".";
        psi.Environment["INPUT_TARGET"] = Path.Combine(Production, "{id}.zarr");
        psi.Environment["INPUT_SCRATCH_TARGET"] = Path.Combine(Scratch, "pr-{pr}", "{id}.zarr");
        psi.Environment["INPUT_PRUNE"] = "2";
        psi.Environment["INPUT_ARGS"] = "--workers 2";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"entry.sh ({eventName}) did not finish within 5 minutes");
        }

        var parsed = File.ReadAllLines(outputs).Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
        return new Result(p.ExitCode, stdout.Result, stderr.Result, File.ReadAllText(summary), parsed);
    }

    private static Dictionary<string, byte[]> Snapshot(string dir) =>
        CliWork.Files(dir).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(dir, f)));

    [Fact]
    public void Pull_request_push_and_schedule_write_scratch_then_production_then_nothing()
    {
        MakeRepository();

        var pr = Entry("pull_request", """{ "number": 7, "pull_request": { "number": 7 } }""");
        Assert.True(pr.ExitCode == 0, $"{pr.Stdout}\n{pr.Stderr}");
        Assert.True(File.Exists(Path.Combine(Scratch, "pr-7", "sst.zarr", "zarr.json")), "the pull request writes its scratch target");
        Assert.True(File.Exists(Path.Combine(Scratch, "pr-7", "sst-v2.zarr", ".zmetadata")));
        Assert.False(Directory.Exists(Production), "a pull request never writes the production target");
        Assert.Contains("### Validation", pr.Summary, StringComparison.Ordinal);
        Assert.Contains("### Plan", pr.Summary, StringComparison.Ordinal);
        Assert.Matches(@"\| `sst` \| `[^`]*pr-7/sst\.zarr` \| 2 \| 2 \|", pr.Summary); // pruned to 2 inputs, time length 2
        Assert.Matches(@"\| `sst-v2` \| succeeded \| `[^`]*pr-7/sst-v2\.zarr` \| 2 \|", pr.Summary);
        Assert.Equal("succeeded", pr.Outputs["status"]);
        Assert.Equal(2, JsonNode.Parse(pr.Outputs["targets"])!.AsArray().Count);

        var push = Entry("push", """{ "ref": "refs/heads/main" }""");
        Assert.True(push.ExitCode == 0, $"{push.Stdout}\n{push.Stderr}");
        Assert.True(File.Exists(Path.Combine(Production, "sst.zarr", "zarr.json")));
        Assert.Matches(@"\| `sst` \| `[^`]*production/sst\.zarr` \| 4 \| 4 \|", push.Summary);
        Assert.Matches(@"\| `sst` \| succeeded \| `[^`]*production/sst\.zarr` \| 4 \| \d+ \| \d+ \| [1-9]\d* \|", push.Summary);
        var before = Snapshot(Production);

        var cron = Entry("schedule", """{ "schedule": "17 6 * * *" }""");
        Assert.True(cron.ExitCode == 0, $"{cron.Stdout}\n{cron.Stderr}");
        Assert.Matches(@"\| `sst` \| up to date \(no-op\) \|", cron.Summary);
        Assert.Matches(@"\| `sst-v2` \| up to date \(no-op\) \|", cron.Summary);
        var after = Snapshot(Production);
        Assert.Equal(before.Keys, after.Keys);
        Assert.All(after, kv => Assert.Equal(before[kv.Key], kv.Value));
        Assert.False(Directory.Exists(Path.Combine(Scratch, "pr-local")), "only pull requests write scratch targets");
    }

    [Fact]
    public void Validation_errors_become_file_annotations_and_a_failed_summary()
    {
        MakeRepository();
        var recipe = Path.Combine(Repository, "feedstock", "sst-v2.yaml");
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("  zarr_format: 2", "  zarr_fromat: 2", StringComparison.Ordinal));
        var line = Array.FindIndex(File.ReadAllLines(recipe), l => l.Contains("zarr_fromat", StringComparison.Ordinal)) + 1;

        var pr = Entry("pull_request", """{ "number": 9, "pull_request": { "number": 9 } }""");
        Assert.Equal(2, pr.ExitCode);
        Assert.Matches($@"(?m)^::error file=feedstock/sst-v2\.yaml,line={line},col=3,title=forge validate::unknown key 'zarr_fromat'.*did you mean 'zarr_format'", pr.Stdout);
        Assert.Contains("### Validation failed", pr.Summary, StringComparison.Ordinal);
        Assert.Contains("zarr_fromat", pr.Summary, StringComparison.Ordinal);
        Assert.Equal("invalid", pr.Outputs["status"]);
        Assert.False(Directory.Exists(Scratch), "nothing runs after a validation error");
    }

    [Fact]
    public void A_failing_run_is_annotated_and_summarised_and_the_other_recipe_still_runs()
    {
        MakeRepository();
        var recipe = Path.Combine(Repository, "feedstock", "sst.yaml");
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("data/oisst-avhrr-v02r01", "data/gone", StringComparison.Ordinal));

        var push = Entry("push", "{}");
        Assert.Equal(1, push.ExitCode);
        Assert.Matches(@"(?m)^::error title=forge plan::.*gone\.19810901\.nc", push.Stdout);
        Assert.Matches(@"(?m)^::error title=forge run::.*gone\.198109\d\d\.nc", push.Stdout);
        Assert.Contains("### Plan failed", push.Summary, StringComparison.Ordinal);
        Assert.Matches(@"\| `sst` \| failed \|", push.Summary);
        Assert.Matches(@"\| `sst-v2` \| succeeded \|", push.Summary);
        Assert.Contains("forge run failed (exit 1)", push.Summary, StringComparison.Ordinal);
        Assert.Equal("failed", push.Outputs["status"]);
        Assert.False(File.Exists(Path.Combine(Production, "sst.zarr", "zarr.json")));
        Assert.True(File.Exists(Path.Combine(Production, "sst-v2.zarr", ".zmetadata")), "the other recipe still runs");
    }

    [Fact]
    public void Changed_feedstock_detection_selects_only_touched_feedstocks()
    {
        var root = Path.Combine(_work, "multi");
        foreach (var name in new[] { "recipes/a", "recipes/b", "recipes/c/feedstock" })
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            File.WriteAllText(Path.Combine(root, name, "meta.yaml"), "title: x\n");
        }

        void Git(params string[] args)
        {
            var (code, stdout, stderr) = Processes.Run("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", .. args], root);
            Assert.True(code == 0, $"git {string.Join(' ', args)}: {stdout}{stderr}");
        }

        Git("init", "-q");
        Git("add", ".");
        Git("commit", "-qm", "one");
        var baseCommit = Processes.Run("git", ["rev-parse", "HEAD"], root).Stdout.Trim();
        File.WriteAllText(Path.Combine(root, "recipes", "b", "r.yaml"), "forge: 1\n");
        File.WriteAllText(Path.Combine(root, "README.md"), "not a feedstock\n");
        Git("add", ".");
        Git("commit", "-qm", "two");

        string[] Detect(params string[] args)
        {
            var (code, stdout, stderr) = Processes.Run("bash", [Repo.PathOf("eng", "action", "changed-feedstocks.sh"), .. args], root);
            Assert.True(code == 0, stderr);
            return [.. JsonNode.Parse(stdout)!.AsArray().Select(n => n!.GetValue<string>())];
        }

        Assert.Equal(["recipes/b"], Detect("recipes", baseCommit));
        Assert.Equal(["recipes/a", "recipes/b", "recipes/c/feedstock"], Detect("recipes"));
        Assert.Equal(["recipes/a", "recipes/b", "recipes/c/feedstock"], Detect("recipes", "0000000000000000000000000000000000000000"));
        Assert.Empty(Detect("recipes", "HEAD"));
    }
}
