using System.Diagnostics;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// <c>forge run --shard K/N</c> and <c>forge finalize</c>: shards as separate processes write disjoint objects, and
/// after finalize the store equals, file for file and byte for byte, the one a single process writes. Finalize
/// refuses (publishing nothing) while objects are missing and is idempotent; leases let shards of one run cooperate
/// while a plain run, a shard of another N and a second copy of a shard refuse.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class ShardedRunTests(ServedInputs inputs) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private readonly string _work = CliWork.TempDir("forge-shard-");

    public void Dispose() => CliWork.Delete(_work);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Four_shard_processes_then_finalize_equal_a_single_process_run(int zarrFormat)
    {
        var recipe = ShardedRuns.LocalDailyRecipe(_work, inputs.Files.DailyFiles, 14, zarrFormat);
        var single = Path.Combine(_work, "single.zarr");
        var one = await ForgeCli.RunAsync("run", recipe, "--target", single, "--progress", "json");
        Assert.True(one.ExitCode == 0, one.Stderr);
        var allKeys = CliWork.JsonLines(one.Stdout).Where(e => e["event"]!.GetValue<string>() == "chunk").Select(e => e["key"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();

        var sharded = Path.Combine(_work, "sharded.zarr");
        var shards = Enumerable.Range(0, 4).Select(k => ForgeProcess.Start(["run", recipe, "--target", sharded, "--shard", $"{k}/4", "--workers", "1", "--progress", "json"])).ToList();
        var written = new List<string>[4];
        try
        {
            for (int k = 0; k < 4; k++)
            {
                var code = await shards[k].WaitAsync(Deadline);
                Assert.True(code == 0, $"shard {k}/4: exit {code}\n{shards[k].Stderr}");
                var summary = CliWork.Summary(shards[k].Stdout);
                Assert.Equal($"{k}/4", summary["shard"]!.GetValue<string>());
                written[k] = [.. CliWork.JsonLines(shards[k].Stdout).Where(e => e["event"]!.GetValue<string>() == "chunk").Select(e => e["key"]!.GetValue<string>())];
                Assert.NotEmpty(written[k]);
            }
        }
        finally
        {
            foreach (var s in shards) s.Dispose();
        }

        // Disjoint and complete: every object written by exactly one shard.
        var union = written.SelectMany(w => w).ToList();
        Assert.Equal(union.Count, union.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(allKeys, union.Order(StringComparer.Ordinal).ToArray());
        // Nothing is visible before finalize.
        Assert.False(File.Exists(Path.Combine(sharded, zarrFormat == 2 ? ".zmetadata" : "zarr.json")), "shards publish no metadata");
        Assert.False(File.Exists(Path.Combine(sharded, ".forge", "complete")));

        var fin = await ForgeCli.RunAsync("finalize", recipe, "--target", sharded, "--progress", "none");
        Assert.True(fin.ExitCode == 0, fin.Stderr);
        Assert.Contains("finalized", fin.Stderr, StringComparison.Ordinal);
        ShardedRuns.AssertSameStoreFiles(single, sharded);

        // Idempotent: a second finalize, and a rerun of any shard, change nothing.
        var again = await ForgeCli.RunAsync("finalize", recipe, "--target", sharded, "--progress", "none");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("nothing to finalize", again.Stderr, StringComparison.Ordinal);
        var rerun = await ForgeCli.RunAsync("run", recipe, "--target", sharded, "--shard", "2/4", "--progress", "none");
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Contains("up to date", rerun.Stderr, StringComparison.Ordinal);
        ShardedRuns.AssertSameStoreFiles(single, sharded);

        var verify = await ForgeCli.RunAsync("verify", recipe, "--target", sharded, "--sample", "all");
        Assert.True(verify.ExitCode == 0, verify.Stderr);
    }

    [Fact]
    public async Task Finalize_with_a_shard_missing_publishes_nothing_and_names_the_shard_then_completes_after_it_runs()
    {
        var recipe = ShardedRuns.LocalDailyRecipe(_work, inputs.Files.DailyFiles, 12, 3);
        var store = Path.Combine(_work, "partial.zarr");
        foreach (var k in new[] { 0, 1, 3 })
        {
            var r = await ForgeCli.RunAsync("run", recipe, "--target", store, "--shard", $"{k}/4", "--progress", "none");
            Assert.True(r.ExitCode == 0, r.Stderr);
        }

        var refused = await ForgeCli.RunAsync("finalize", recipe, "--target", store, "--progress", "none");
        Assert.True(refused.ExitCode == 1, $"exit {refused.ExitCode}\n{refused.Stderr}");
        Assert.Contains("not written by shard(s) 2/4", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("finished: 0/4, 1/4, 3/4", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(store, "zarr.json")), "nothing is published while objects are missing");
        var incomplete = await ForgeCli.RunAsync("verify", recipe, "--target", store);
        Assert.True(incomplete.ExitCode == 1, incomplete.Stderr);
        Assert.Contains("did not finish", incomplete.Stderr, StringComparison.Ordinal);

        // The missing shard runs (it resumes from the ledger like any run), then finalize completes the store.
        var last = await ForgeCli.RunAsync("run", recipe, "--target", store, "--shard", "2/4", "--progress", "none");
        Assert.True(last.ExitCode == 0, last.Stderr);
        var fin = await ForgeCli.RunAsync("finalize", recipe, "--target", store, "--progress", "none");
        Assert.True(fin.ExitCode == 0, fin.Stderr);

        var single = Path.Combine(_work, "single.zarr");
        var one = await ForgeCli.RunAsync("run", recipe, "--target", single, "--progress", "none");
        Assert.True(one.ExitCode == 0, one.Stderr);
        ShardedRuns.AssertSameStoreFiles(single, store);
    }

    [Fact]
    public async Task Shards_of_one_run_cooperate_while_a_plain_run_another_N_or_a_second_copy_of_the_shard_refuse()
    {
        var recipe = ShardedRuns.LocalDailyRecipe(_work, inputs.Files.DailyFiles, 8, 2);
        var store = Path.Combine(_work, "leases.zarr");
        using var other = Process.Start(new ProcessStartInfo("sleep", "120") { UseShellExecute = false })!;
        try
        {
            // Shard 0/2 is running (its lease names a live process).
            ShardedRuns.WriteLease(store, ".forge/leases/shard-0-of-2", other, "forge run sharded --shard 0/2");

            var plain = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
            Assert.True(plain.ExitCode == 1, $"exit {plain.ExitCode}\n{plain.Stderr}");
            Assert.Contains("in use by a shard of a sharded run", plain.Stderr, StringComparison.Ordinal);
            Assert.Contains($"pid {other.Id}", plain.Stderr, StringComparison.Ordinal);

            var fin = await ForgeCli.RunAsync("finalize", recipe, "--target", store, "--progress", "none");
            Assert.True(fin.ExitCode == 1, $"exit {fin.ExitCode}\n{fin.Stderr}");
            Assert.Contains("in use by a shard of a sharded run", fin.Stderr, StringComparison.Ordinal);

            var otherN = await ForgeCli.RunAsync("run", recipe, "--target", store, "--shard", "1/3", "--progress", "none");
            Assert.True(otherN.ExitCode == 1, $"exit {otherN.ExitCode}\n{otherN.Stderr}");
            Assert.Contains("every shard of one run must use the same N", otherN.Stderr, StringComparison.Ordinal);

            var twin = await ForgeCli.RunAsync("run", recipe, "--target", store, "--shard", "0/2", "--progress", "none");
            Assert.True(twin.ExitCode == 1, $"exit {twin.ExitCode}\n{twin.Stderr}");
            Assert.Contains("in use by another forge run", twin.Stderr, StringComparison.Ordinal);

            var sibling = await ForgeCli.RunAsync("run", recipe, "--target", store, "--shard", "1/2", "--progress", "none");
            Assert.True(sibling.ExitCode == 0, $"shard 1/2 works beside a live shard 0/2: exit {sibling.ExitCode}\n{sibling.Stderr}");
            Assert.False(File.Exists(Path.Combine(store, ".forge", "leases", "shard-1-of-2")), "a finished shard releases its lease");
        }
        finally
        {
            other.Kill();
            await other.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // A plain run, by contrast, holds the whole target: a shard refuses.
        using var plainRun = Process.Start(new ProcessStartInfo("sleep", "120") { UseShellExecute = false })!;
        try
        {
            File.Delete(Path.Combine(store, ".forge", "leases", "shard-0-of-2"));
            ShardedRuns.WriteLease(store, ".forge/lease", plainRun, "forge run sharded");
            var shard = await ForgeCli.RunAsync("run", recipe, "--target", store, "--shard", "0/2", "--progress", "none");
            Assert.True(shard.ExitCode == 1, $"exit {shard.ExitCode}\n{shard.Stderr}");
            Assert.Contains("in use by another forge run that is not a shard", shard.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            plainRun.Kill();
            await plainRun.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // Both holders are gone: their leases are stale; shard 0/2 runs and finalize completes the store.
        var rest = await ForgeCli.RunAsync("run", recipe, "--target", store, "--shard", "0/2", "--progress", "none");
        Assert.True(rest.ExitCode == 0, rest.Stderr);
        var done = await ForgeCli.RunAsync("finalize", recipe, "--target", store, "--progress", "none");
        Assert.True(done.ExitCode == 0, done.Stderr);
        var verify = await ForgeCli.RunAsync("verify", recipe, "--target", store);
        Assert.True(verify.ExitCode == 0, verify.Stderr);
    }
}
