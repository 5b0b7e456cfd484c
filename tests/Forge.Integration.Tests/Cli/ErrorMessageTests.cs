using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Errors that point at the fix (issue #12): each case has its exit code and the words of its message, and a
/// failed run writes nothing. Recipe names the data lacks are reported at the recipe's line:column with a suggestion.
/// </summary>
public sealed class ErrorMessageTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-errors-");

    public void Dispose() => CliWork.Delete(_work);

    private static string Quickstart => Repo.PathOf("recipes", "quickstart");

    /// <summary>The quickstart recipe with one text edit, next to a copy of two of its data files.</summary>
    private string Variant(string name, Func<string, string> edit)
    {
        var dir = Path.Combine(_work, name);
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        foreach (var f in Directory.GetFiles(Path.Combine(Quickstart, "data")).Order(StringComparer.Ordinal).Take(2))
            File.Copy(f, Path.Combine(dir, "data", Path.GetFileName(f)));
        var original = File.ReadAllText(Path.Combine(Quickstart, "oisst.yaml"));
        var edited = edit(original);
        Assert.NotEqual(original, edited);
        var path = Path.Combine(dir, "recipe.yaml");
        File.WriteAllText(path, edited);
        return path;
    }

    private static int LineOf(string path, string text) => Array.FindIndex(File.ReadAllLines(path), l => l.Contains(text, StringComparison.Ordinal)) + 1;

    [Fact]
    public async Task Forge_alone_prints_usage_and_exits_2()
    {
        var (code, stdout, stderr) = await ForgeCli.RunAsync();
        Assert.Equal(2, code);
        Assert.Contains("Usage:", stderr, StringComparison.Ordinal);
        Assert.Contains("run <recipe>", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("run --bogus", "run: unknown option '--bogus'")]
    [InlineData("plan --bogus", "plan: unknown option '--bogus'")]
    [InlineData("validate --jsn", "did you mean '--json'?")]
    [InlineData("inspect --jsno", "did you mean '--json'?")]
    [InlineData("run -x", "unknown option '-x'")]
    public async Task An_unknown_option_is_exit_2_naming_it_and_never_read_as_a_file(string commandLine, string message)
    {
        var (code, stdout, stderr) = await ForgeCli.RunAsync(commandLine.Split(' '));
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot read", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Inspect_json_without_a_source_asks_for_the_source_and_fetches_nothing()
    {
        var (code, _, stderr) = await ForgeCli.RunAsync("inspect", "--json");
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains("source", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("./--json", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch failed", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--prune", "abc", "--prune 'abc' is not a whole number")]
    [InlineData("--prune", "0", "--prune must be at least 1")]
    [InlineData("--workers", "abc", "--workers 'abc' is not a whole number")]
    [InlineData("--workers", "0", "--workers must be at least 1")]
    [InlineData("--max-memory", "lots", "--max-memory 'lots' is not a size such as 512MiB")]
    [InlineData("--target", "gs://b/x", "--target 'gs://b/x': the gs:// scheme is not supported for targets")]
    [InlineData("--log-level", "loud", "'loud'")]
    public async Task A_bad_value_is_exit_2_saying_what_is_expected_without_dotnet_type_names(string option, string value, string message)
    {
        var target = Path.Combine(_work, "t.zarr");
        string[] args = option == "--target" ? ["run", Quickstart, option, value] : ["run", Quickstart, "--target", target, option, value];
        var (code, stdout, stderr) = await ForgeCli.RunAsync(args);
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        CliWork.AssertNothingWritten(target);
    }

    [Fact]
    public async Task A_misspelt_squeeze_dimension_is_exit_2_at_the_transform_line_with_did_you_mean()
    {
        var recipe = Variant("squeeze", y => y.Replace("squeeze: [zlev]", "squeeze: [zlevel]", StringComparison.Ordinal));
        var target = Path.Combine(_work, "squeeze.zarr");
        var (code, stdout, stderr) = await ForgeCli.RunAsync("run", recipe, "--prune", "2", "--target", target, "--progress", "json");
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains($"{recipe}:{LineOf(recipe, "squeeze:")}:5: squeeze: no dimension 'zlevel' (did you mean 'zlev'?)", stderr, StringComparison.Ordinal);
        CliWork.AssertNothingWritten(target);

        // The failed run's JSON summary carries the error: kind, message and culprit (the recipe position).
        var error = CliWork.Summary(stdout)["error"]!;
        Assert.Equal("recipe", (string?)error["kind"]);
        Assert.Equal(2, (int)error["exit_code"]!);
        Assert.Equal($"{recipe}:{LineOf(recipe, "squeeze:")}:5", (string?)error["culprit"]);
        Assert.Contains("did you mean 'zlev'", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_chunk_dimension_is_exit_2_at_its_key_with_did_you_mean()
    {
        var recipe = Variant("chunks", y => y.Replace("chunks: { time: 10", "chunks: { tiem: 10", StringComparison.Ordinal));
        var target = Path.Combine(_work, "chunks.zarr");
        var (code, _, stderr) = await ForgeCli.RunAsync("run", recipe, "--prune", "2", "--target", target, "--progress", "none");
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        var line = LineOf(recipe, "tiem:");
        var column = File.ReadAllLines(recipe)[line - 1].IndexOf("tiem", StringComparison.Ordinal) + 1;
        Assert.Contains($"{recipe}:{line}:{column}: no dimension 'tiem' in the data (did you mean 'time'?)", stderr, StringComparison.Ordinal);
        CliWork.AssertNothingWritten(target);

        // plan checks the same names (it reads the headers too).
        var plan = await ForgeCli.RunAsync("plan", recipe, "--prune", "2");
        Assert.True(plan.ExitCode == 2, plan.Stderr);
        Assert.Contains("did you mean 'time'?", plan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_shard_dimension_is_exit_2_with_did_you_mean()
    {
        var recipe = Variant("shards", y => y.Replace("  codec: { zstd", "  shards: { lat: 180, lonn: 360 }\n  codec: { zstd", StringComparison.Ordinal));
        var (code, _, stderr) = await ForgeCli.RunAsync("run", recipe, "--prune", "2", "--target", Path.Combine(_work, "s.zarr"), "--progress", "none");
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains($"{recipe}:{LineOf(recipe, "lonn")}:", stderr, StringComparison.Ordinal);
        Assert.Contains("no dimension 'lonn' in the data (did you mean 'lon'?)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_variable_in_target_variables_is_exit_2_with_did_you_mean()
    {
        var recipe = Variant("variables", y => y.Replace("run:\n", "  variables:\n    ssst: { codec: none }\nrun:\n", StringComparison.Ordinal));
        var (code, _, stderr) = await ForgeCli.RunAsync("run", recipe, "--prune", "2", "--target", Path.Combine(_work, "v.zarr"), "--progress", "none");
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains($"{recipe}:{LineOf(recipe, "ssst")}:5: no variable 'ssst' in the data (did you mean 'sst'?)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tab_is_reported_at_its_real_line()
    {
        var recipe = Variant("tab", y => y.Replace("  zarr_format: 3", "\tzarr_format: 3", StringComparison.Ordinal));
        var (code, _, stderr) = await ForgeCli.RunAsync("validate", recipe);
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains($"{recipe}:{LineOf(recipe, "zarr_format")}:1: a tab in the indentation", stderr, StringComparison.Ordinal);
        Assert.NotEqual(1, LineOf(recipe, "zarr_format"));
    }

    [Fact]
    public async Task A_missing_input_is_exit_1_kind_fetch_with_the_file_as_culprit()
    {
        var recipe = Variant("missing", y => y.Replace("id: quickstart-oisst", "id: missing-input", StringComparison.Ordinal));
        File.Delete(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(recipe)!, "data"))[1]);
        var (code, stdout, stderr) = await ForgeCli.RunAsync("run", recipe, "--prune", "2", "--target", Path.Combine(_work, "m.zarr"), "--progress", "json");
        Assert.True(code == 1, $"exit {code}\n{stderr}");
        var error = CliWork.Summary(stdout)["error"]!;
        Assert.Equal("fetch", (string?)error["kind"]);
        Assert.EndsWith(".nc", (string?)error["culprit"], StringComparison.Ordinal);
        Assert.Contains((string)error["culprit"]!, stderr, StringComparison.Ordinal);
    }
}
