using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// An invalid command line is exit code 2 with a message naming the culprit, and nothing is written: not the target,
/// not the cache. The recipe is the offline quickstart feedstock, so a wrongly accepted command would really run.
/// </summary>
public sealed class UsageErrorTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-usage-");

    public void Dispose() => CliWork.Delete(_work);

    private static string Quickstart => Repo.PathOf("recipes", "quickstart");

    [Theory]
    [InlineData("--bogus", null, "--bogus")]
    [InlineData("--progress", "fancy", "fancy")]
    [InlineData("--shard", "0/2", "--shard 0/2")]
    [InlineData("--max-memory", "lots", "lots")]
    [InlineData("--max-memory", "0GiB", "0GiB")]
    [InlineData("--prune", "0", "--prune")]
    [InlineData("--workers", "0", "--workers")]
    [InlineData("--recipe", "no-such-recipe", "no-such-recipe")]
    public async Task Bad_run_option_is_exit_2_naming_it_and_writes_nothing(string option, string? value, string named)
    {
        var target = Path.Combine(_work, "target.zarr");
        var cache = Path.Combine(_work, "cache");
        string[] args = ["run", Quickstart, "--target", target, "--cache", cache, "--progress", "none", option, .. value is null ? Array.Empty<string>() : [value]];
        if (option == "--progress") args = ["run", Quickstart, "--target", target, "--cache", cache, option, value!];
        var (code, stdout, stderr) = await ForgeCli.RunAsync(args);
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        CliWork.AssertNothingWritten(target);
        CliWork.AssertNothingWritten(cache);
    }

    [Theory]
    [InlineData("--shard", "1/2")]
    [InlineData("--max-memory", "many")]
    [InlineData("--prune", "0")]
    [InlineData("--recipe", "missing")]
    public async Task Plan_refuses_the_same_bad_options(string option, string value)
    {
        var (code, stdout, stderr) = await ForgeCli.RunAsync("plan", Quickstart, "--probe", "none", option, value);
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains(option == "--prune" ? option : value, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("finalize")]
    [InlineData("verify")]
    public async Task Verbs_not_built_yet_are_exit_2(string verb)
    {
        var target = Path.Combine(_work, "target.zarr");
        var (code, _, stderr) = await ForgeCli.RunAsync(verb == "finalize" ? [verb, Quickstart, "--target", target] : [verb, Quickstart]);
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains($"forge {verb}", stderr, StringComparison.Ordinal);
        Assert.Contains("not supported yet", stderr, StringComparison.Ordinal);
        CliWork.AssertNothingWritten(target);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("run")]
    [InlineData("inspect")]
    [InlineData("plan --probe some")]
    public async Task Unknown_verb_or_missing_argument_is_exit_2(string commandLine)
    {
        var (code, _, stderr) = await ForgeCli.RunAsync(commandLine.Split(' '));
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains("Run 'forge", stderr, StringComparison.Ordinal);
        Assert.Contains("--help' for usage", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("plan")]
    [InlineData("validate")]
    public async Task A_missing_recipe_file_is_exit_2_naming_it(string verb)
    {
        var recipe = Path.Combine(_work, "no-such-recipe.yaml");
        var (code, _, stderr) = await ForgeCli.RunAsync(verb, recipe);
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains($"{recipe}:1:1:", stderr, StringComparison.Ordinal);
    }
}
