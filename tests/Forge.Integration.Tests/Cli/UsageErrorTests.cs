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
    [InlineData("--shard", "2/2", "--shard '2/2'")]
    [InlineData("--shard", "one/4", "--shard 'one/4'")]
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
    [InlineData("--shard", "4/4")]
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

    [Fact]
    public async Task Shard_with_overwrite_is_exit_2_and_writes_nothing()
    {
        var target = Path.Combine(_work, "target.zarr");
        var (code, _, stderr) = await ForgeCli.RunAsync("run", Quickstart, "--target", target, "--progress", "none", "--shard", "0/2", "--overwrite");
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains("--shard 0/2 with --overwrite", stderr, StringComparison.Ordinal);
        CliWork.AssertNothingWritten(target);
    }

    [Theory]
    [InlineData("finalize", "nothing to finalize")]
    [InlineData("verify", "no ledger")]
    public async Task Finalize_and_verify_of_an_empty_target_are_exit_1_and_write_nothing(string verb, string message)
    {
        var target = Path.Combine(_work, "target.zarr");
        var (code, _, stderr) = await ForgeCli.RunAsync(verb, Quickstart, "--target", target);
        Assert.True(code == 1, $"exit {code}\n{stderr}");
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        CliWork.AssertNothingWritten(target);
    }

    [Fact]
    public async Task Verify_with_a_bad_sample_is_exit_2()
    {
        var (code, _, stderr) = await ForgeCli.RunAsync("verify", Quickstart, "--sample", "some");
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains("--sample some", stderr, StringComparison.Ordinal);
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
