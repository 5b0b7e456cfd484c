using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The target-state rules of `forge run` on the offline quickstart: a target written from other inputs, or a folder
/// Forge did not write, is exit 1 and left untouched unless <c>--overwrite</c>; a chunk larger than the memory share
/// is a plan error (exit 2) naming the array, before anything is written.
/// </summary>
public sealed class TargetStateTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-target-");

    public void Dispose() => CliWork.Delete(_work);

    private static string Quickstart => Repo.PathOf("recipes", "quickstart");

    [Fact]
    public async Task Other_inputs_are_a_conflict_until_overwrite()
    {
        // A recipe whose concat keys only grew appends (AppendTests); one that lost inputs is another dataset.
        var store = Path.Combine(_work, "q.zarr");
        var first = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--prune", "6", "--progress", "none");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var before = CliWork.Files(store).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(store, f)));

        var conflict = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--prune", "4", "--progress", "none");
        Assert.True(conflict.ExitCode == 1, $"exit {conflict.ExitCode}\n{conflict.Stderr}");
        Assert.Contains(store, conflict.Stderr, StringComparison.Ordinal);
        Assert.Contains("--overwrite", conflict.Stderr, StringComparison.Ordinal);
        Assert.Equal(before.Keys, CliWork.Files(store));
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(Path.Combine(store, kv.Key))));

        var replaced = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--prune", "4", "--overwrite", "--progress", "none");
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        var fresh = Path.Combine(_work, "fresh.zarr");
        var full = await ForgeCli.RunAsync("run", Quickstart, "--target", fresh, "--prune", "4", "--progress", "none");
        Assert.True(full.ExitCode == 0, full.Stderr);
        await StoreComparison.AssertSameArraysAsync(StoreLocator.Open(fresh), StoreLocator.Open(store));
        Assert.Equal(CliWork.Files(fresh).Where(f => !f.StartsWith(".forge/", StringComparison.Ordinal)),
                     CliWork.Files(store).Where(f => !f.StartsWith(".forge/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_folder_forge_did_not_write_is_kept_even_with_overwrite()
    {
        var store = Path.Combine(_work, "foreign.zarr");
        Directory.CreateDirectory(store);
        File.WriteAllText(Path.Combine(store, "notes.txt"), "mine");

        var refused = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--progress", "none");
        Assert.True(refused.ExitCode == 1, $"exit {refused.ExitCode}\n{refused.Stderr}");
        Assert.Contains("notes.txt", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], CliWork.Files(store));

        // --overwrite only removes what Forge or Zarr wrote (issue #9: it used to empty any folder).
        var stillRefused = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--overwrite", "--progress", "none");
        Assert.True(stillRefused.ExitCode == 1, $"exit {stillRefused.ExitCode}\n{stillRefused.Stderr}");
        Assert.Contains("notes.txt", stillRefused.Stderr, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], CliWork.Files(store));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(store, "notes.txt")));
    }

    [Fact]
    public async Task Overwrite_of_a_forge_store_inside_a_git_repository_deletes_nothing()
    {
        var store = Path.Combine(_work, "versioned.zarr");
        var first = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--prune", "4", "--progress", "none");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Processes.Check("git", "-C", store, "init", "-q");
        var before = CliWork.Files(store).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(store, f)));
        Assert.Contains(before.Keys, k => k.StartsWith(".git/", StringComparison.Ordinal));

        var refused = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--prune", "6", "--overwrite", "--progress", "none");
        Assert.True(refused.ExitCode == 1, $"exit {refused.ExitCode}\n{refused.Stderr}");
        Assert.Contains(".git/", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(before.Keys, CliWork.Files(store));
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(Path.Combine(store, kv.Key))));
    }

    [Fact]
    public async Task A_target_in_use_by_another_run_is_refused_with_exit_1_until_that_run_ends()
    {
        var store = Path.Combine(_work, "busy.zarr");
        using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "120") { UseShellExecute = false })!;
        try
        {
            // What a live `forge run` on this machine holds: .forge/lease naming its pid.
            Directory.CreateDirectory(Path.Combine(store, ".forge"));
            File.WriteAllText(Path.Combine(store, ".forge", "lease"), new System.Text.Json.Nodes.JsonObject
            {
                ["owner"] = "other-run",
                ["host"] = Environment.MachineName,
                ["pid"] = other.Id,
                ["process_started"] = other.StartTime.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["purpose"] = "forge run quickstart",
                ["started"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["renewed"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            }.ToJsonString());

            var refused = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--prune", "4", "--progress", "none");
            Assert.True(refused.ExitCode == 1, $"exit {refused.ExitCode}\n{refused.Stderr}");
            Assert.Contains("in use by another forge run", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains($"pid {other.Id}", refused.Stderr, StringComparison.Ordinal);
            Assert.Equal([".forge/lease"], CliWork.Files(store));
        }
        finally
        {
            other.Kill();
            await other.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // That run is gone: its lease is stale and the next run takes it over, then releases it.
        var run = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--prune", "4", "--progress", "none");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(File.Exists(Path.Combine(store, ".forge", "lease")), "a finished run releases its lease");
        Assert.True(File.Exists(Path.Combine(store, "zarr.json")));
    }

    [Fact]
    public async Task A_chunk_larger_than_the_memory_share_is_exit_2_naming_the_array_and_writes_nothing()
    {
        var store = Path.Combine(_work, "small-memory.zarr");
        var (code, _, stderr) = await ForgeCli.RunAsync("run", Quickstart, "--target", store, "--max-memory", "1KiB", "--progress", "none");
        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains("array '", stderr, StringComparison.Ordinal);
        Assert.Contains("max_memory", stderr, StringComparison.Ordinal);
        CliWork.AssertNothingWritten(store);

        var plan = await ForgeCli.RunAsync("plan", Quickstart, "--max-memory", "1KiB");
        Assert.Equal(2, plan.ExitCode);
    }
}
