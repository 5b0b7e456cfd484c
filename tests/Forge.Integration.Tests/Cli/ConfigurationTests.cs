using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Settings precedence in the real program: forge.yaml (working directory, then the feedstock's) &lt; FORGE_*
/// environment variables &lt; flags, for target, cache, max memory, workers, progress, log level and log file; each
/// layer is observed through <c>forge config --json</c> and, for the settings a run acts on, through a real run.
/// </summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-config-");

    public void Dispose() => CliWork.Delete(_work);

    private static readonly string[] Keys = ["target", "cache", "max_memory", "workers", "progress", "log_level", "log_file"];

    private string Feedstock()
    {
        var feedstock = Path.Combine(_work, "feedstock");
        Directory.CreateDirectory(feedstock);
        foreach (var f in Directory.GetFiles(Repo.PathOf("recipes", "quickstart"), "*.yaml")) File.Copy(f, Path.Combine(feedstock, Path.GetFileName(f)), true);
        Directory.CreateDirectory(Path.Combine(feedstock, "data"));
        foreach (var f in Directory.GetFiles(Repo.PathOf("recipes", "quickstart", "data")).Order(StringComparer.Ordinal).Take(2))
            File.Copy(f, Path.Combine(feedstock, "data", Path.GetFileName(f)), true);
        File.WriteAllText(Path.Combine(feedstock, "forge.yaml"), """
            target: file-target.zarr
            cache: file-cache
            max_memory: 1GiB
            workers: 3
            progress: plain
            log_level: error
            log_file: file.log
            """);
        return feedstock;
    }

    private static async Task<JsonObject> ConfigAsync(string feedstock, Dictionary<string, string> env, params string[] flags)
    {
        using var forge = ForgeProcess.Start(["config", feedstock, "--json", .. flags], env, workingDirectory: feedstock);
        var code = await forge.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(code == 0, $"exit {code}\n{forge.Stderr}");
        return JsonNode.Parse(forge.Stdout)!.AsObject();
    }

    [Fact]
    public async Task Each_setting_file_is_overridden_by_environment_which_is_overridden_by_flags()
    {
        var feedstock = Feedstock();
        var yaml = Path.Combine(feedstock, "forge.yaml");

        var file = await ConfigAsync(feedstock, []);
        Assert.Equal("file-target.zarr", (string?)file["target"]!["value"]);
        Assert.Equal("file-cache", (string?)file["cache"]!["value"]);
        Assert.Equal(1L << 30, (long)file["max_memory"]!["value"]!);
        Assert.Equal(3, (int)file["workers"]!["value"]!);
        Assert.Equal("plain", (string?)file["progress"]!["value"]);
        Assert.Equal("error", (string?)file["log_level"]!["value"]);
        Assert.Equal("file.log", (string?)file["log_file"]!["value"]);
        foreach (var k in Keys) Assert.Equal(yaml, (string?)file[k]!["source"]);

        var env = new Dictionary<string, string>
        {
            ["FORGE_TARGET"] = "env-target.zarr", ["FORGE_CACHE"] = "env-cache", ["FORGE_MAX_MEMORY"] = "2GiB", ["FORGE_WORKERS"] = "5",
            ["FORGE_PROGRESS"] = "none", ["FORGE_LOG_LEVEL"] = "information", ["FORGE_LOG_FILE"] = "env.log",
        };
        var fromEnv = await ConfigAsync(feedstock, env);
        Assert.Equal("env-target.zarr", (string?)fromEnv["target"]!["value"]);
        Assert.Equal("env-cache", (string?)fromEnv["cache"]!["value"]);
        Assert.Equal(2L << 30, (long)fromEnv["max_memory"]!["value"]!);
        Assert.Equal(5, (int)fromEnv["workers"]!["value"]!);
        Assert.Equal("none", (string?)fromEnv["progress"]!["value"]);
        Assert.Equal("information", (string?)fromEnv["log_level"]!["value"]);
        Assert.Equal("env.log", (string?)fromEnv["log_file"]!["value"]);
        foreach (var k in Keys) Assert.Equal("FORGE_" + k.ToUpperInvariant(), (string?)fromEnv[k]!["source"]);

        var fromFlags = await ConfigAsync(feedstock, env, "--target", "flag-target.zarr", "--cache", "flag-cache", "--max-memory", "3GiB",
            "--workers", "7", "--progress", "json", "--log-level", "debug", "--log-file", "flag.log");
        Assert.Equal("flag-target.zarr", (string?)fromFlags["target"]!["value"]);
        Assert.Equal("flag-cache", (string?)fromFlags["cache"]!["value"]);
        Assert.Equal(3L << 30, (long)fromFlags["max_memory"]!["value"]!);
        Assert.Equal(7, (int)fromFlags["workers"]!["value"]!);
        Assert.Equal("json", (string?)fromFlags["progress"]!["value"]);
        Assert.Equal("debug", (string?)fromFlags["log_level"]!["value"]);
        Assert.Equal("flag.log", (string?)fromFlags["log_file"]!["value"]);
        Assert.Equal("--max-memory", (string?)fromFlags["max_memory"]!["source"]);

        // -q and -v are log levels too, and beat the environment; --log-level beats them.
        Assert.Equal("error", (string?)(await ConfigAsync(feedstock, env, "-q"))["log_level"]!["value"]);
        Assert.Equal("debug", (string?)(await ConfigAsync(feedstock, env, "-v"))["log_level"]!["value"]);
        Assert.Equal("critical", (string?)(await ConfigAsync(feedstock, env, "-v", "--log-level", "critical"))["log_level"]!["value"]);
    }

    [Fact]
    public async Task The_feedstock_file_overrides_the_working_directory_file()
    {
        var feedstock = Feedstock();
        var cwd = Path.Combine(_work, "cwd");
        Directory.CreateDirectory(cwd);
        File.WriteAllText(Path.Combine(cwd, "forge.json"), """{ "workers": 2, "cache": "cwd-cache" }""");
        File.Delete(Path.Combine(feedstock, "forge.yaml"));
        File.WriteAllText(Path.Combine(feedstock, "forge.yaml"), "workers: 4\n");
        using var forge = ForgeProcess.Start(["config", feedstock, "--json"], workingDirectory: cwd);
        Assert.Equal(0, await forge.WaitAsync(TimeSpan.FromMinutes(1)));
        var doc = JsonNode.Parse(forge.Stdout)!;
        Assert.Equal(4, (int)doc["workers"]!["value"]!);
        Assert.Equal("cwd-cache", (string?)doc["cache"]!["value"]);
        Assert.Equal(Path.Combine(cwd, "forge.json"), (string?)doc["cache"]!["source"]);
    }

    [Fact]
    public async Task A_run_uses_the_layered_target_cache_and_log_level()
    {
        var feedstock = Feedstock();
        File.WriteAllText(Path.Combine(feedstock, "forge.yaml"), "target: file-target.zarr\ncache: file-cache\nlog_level: error\n");
        // The environment's target and log level beat the file's; the file's cache stays.
        var env = new Dictionary<string, string> { ["FORGE_TARGET"] = "env-target.zarr", ["FORGE_LOG_LEVEL"] = "debug" };
        using (var run = ForgeProcess.Start(["run", feedstock, "--prune", "1", "--progress", "none"], env, workingDirectory: feedstock))
        {
            var code = await run.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(code == 0, run.Stderr);
            Assert.Contains("dbug: forge.run: setting target = env-target.zarr (from FORGE_TARGET)", run.Stderr, StringComparison.Ordinal);
            Assert.Contains("info: forge.run: write:", run.Stderr, StringComparison.Ordinal);
        }

        // A pruned run with a configured (not flagged) target writes the scratch twin of that target.
        Assert.True(File.Exists(Path.Combine(feedstock, "env-target.zarr.prune-1", "zarr.json")));
        Assert.False(Directory.Exists(Path.Combine(feedstock, "file-target.zarr.prune-1")));

        // Flags beat both: the flag's target, and --quiet silences the environment's debug level.
        using (var run = ForgeProcess.Start(["run", feedstock, "--prune", "1", "--progress", "none", "--target", "flag-target.zarr", "-q"], env, workingDirectory: feedstock))
        {
            var code = await run.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(code == 0, run.Stderr);
            Assert.DoesNotContain("dbug:", run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("info:", run.Stderr, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(feedstock, "flag-target.zarr", "zarr.json")));
    }

    [Fact]
    public async Task Log_file_gets_timestamped_lines_and_json_progress_makes_json_logs()
    {
        var log = Path.Combine(_work, "logs", "forge.log");
        var target = Path.Combine(_work, "t.zarr");
        var (code, stdout, stderr) = await ForgeCli.RunAsync("run", Repo.PathOf("recipes", "quickstart"), "--prune", "1", "--target", target,
            "--progress", "json", "--log-level", "information", "--log-file", log);
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(log);
        Assert.Contains(lines, l => l.Contains("\"stage\":\"write\"", StringComparison.Ordinal) || l.Contains("write:", StringComparison.Ordinal));
        foreach (var line in stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var obj = JsonNode.Parse(line)!;
            Assert.Equal("log", (string?)obj["event"]);
            Assert.NotNull((string?)obj["time"]);
            Assert.Equal("forge.run", (string?)obj["category"]);
        }

        Assert.Contains("\"level\":\"information\"", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\"event\":\"log\"", stdout, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Contains("\"time\":", l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("FORGE_WORKERS", "abc", "FORGE_WORKERS 'abc' is not a whole number")]
    [InlineData("FORGE_WORKERS", "0", "FORGE_WORKERS must be at least 1")]
    [InlineData("FORGE_MAX_MEMORY", "lots", "FORGE_MAX_MEMORY 'lots' is not a size")]
    [InlineData("FORGE_LOG_LEVEL", "loud", "FORGE_LOG_LEVEL 'loud' is not one of")]
    [InlineData("FORGE_PROGRESS", "fancy", "FORGE_PROGRESS 'fancy' is not one of")]
    [InlineData("FORGE_TARGET", "gs://bucket/x.zarr", "the gs:// scheme is not supported")]
    public async Task A_bad_environment_value_is_exit_2_naming_the_variable(string name, string value, string message)
    {
        var target = Path.Combine(_work, "t.zarr");
        using var forge = ForgeProcess.Start(["run", Repo.PathOf("recipes", "quickstart"), "--prune", "1", .. name == "FORGE_TARGET" ? Array.Empty<string>() : ["--target", target]],
            new Dictionary<string, string> { [name] = value }, workingDirectory: _work);
        var code = await forge.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(code == 2, $"exit {code}\n{forge.Stderr}");
        Assert.Contains(message, forge.Stderr, StringComparison.Ordinal);
        CliWork.AssertNothingWritten(target);
    }

    [Fact]
    public async Task An_unknown_key_in_forge_yaml_is_exit_2_with_line_column_and_did_you_mean()
    {
        var feedstock = Feedstock();
        File.WriteAllText(Path.Combine(feedstock, "forge.yaml"), "workers: 2\ntagret: out.zarr\n");
        using var forge = ForgeProcess.Start(["plan", feedstock, "--probe", "none"], workingDirectory: _work);
        var code = await forge.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(code == 2, $"exit {code}\n{forge.Stderr}");
        Assert.Contains($"{Path.Combine(feedstock, "forge.yaml")}:2:1: unknown setting 'tagret' (did you mean 'target'?)", forge.Stderr, StringComparison.Ordinal);
    }
}
