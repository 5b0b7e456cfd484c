using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Issue #9, staged sharded runs: <c>forge run --shard K/N --stage 1|2</c> of a recipe whose plan spills (chunks spanning
/// every input, a budget that cannot hold them). Stage-1 shards split the INPUTS and store pieces in an intermediate
/// Zarr array beside the target (<c>.forge/intermediate/</c>), so every input is decoded once across them; stage-2
/// shards split the OBJECTS and assemble them from the pieces; <c>forge finalize</c> publishes and deletes the
/// intermediate store. The result equals, file for file and byte for byte, the single-process run, and xarray
/// (zarr-python) reads it equal to the inputs. Stage 2 refuses to start before its pieces exist, naming them and the
/// stage-1 shards; kill -9 in either stage then a rerun (another budget and worker count) converges.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class StagedRunTests(ServedInputs inputs) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private const int Days = 30;

    // 36 × 72 grid, int16 sst and anom packed: what stage 1 must decode from the inputs, once.
    private const long StreamedInputBytes = Days * 36L * 72 * 2 * 2;

    // lat (36) and lon (72), float32: read from the first input by whichever shard owns them.
    private const long CoordinateBytes = (36 + 72) * 4;

    private readonly string _work = CliWork.TempDir("forge-staged-");

    public void Dispose() => CliWork.Delete(_work);

    private string Recipe(int format = 2) =>
        ShardedRuns.LocalDailyRecipe(_work, inputs.Files.DailyFiles, Days, format, id: "staged", chunks: "{ time: 30, lat: 18, lon: 36 }");

    // Chunks of 30 days over 30 one-day inputs cannot all be open in 200 KiB: the plan spills.
    private static readonly string[] Budget = ["--strategy", "spill", "--max-memory", "200KiB"];

    [Fact]
    public async Task Three_shards_in_two_stages_then_finalize_equal_the_single_process_run_and_decode_each_input_once()
    {
        var recipe = Recipe();
        var single = Path.Combine(_work, "single.zarr");
        var one = await ForgeCli.RunAsync(["run", recipe, "--target", single, "--progress", "json", .. Budget]);
        Assert.True(one.ExitCode == 0, one.Stderr);
        var reference = CliWork.Summary(one.Stdout);
        Assert.Equal("spill", reference["strategy"]!.GetValue<string>());

        var store = Path.Combine(_work, "staged.zarr");
        var plan = await ForgeCli.RunAsync(["plan", recipe, "--target", store, "--shard", "1/3", "--stage", "1", "--json", .. Budget]);
        Assert.True(plan.ExitCode == 0, plan.Stderr);
        var slice = JsonNode.Parse(plan.Stdout)!["slice"]!;
        Assert.True(slice["staged"]!.GetValue<bool>());
        Assert.Equal(10, slice["stage1"]!["inputs"]!["count"]!.GetValue<int>());
        Assert.EndsWith("19810911.nc", slice["stage1"]!["inputs"]!["first"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Days, slice["unstaged_inputs"]!["count"]!.GetValue<int>());

        // Stage 1 of shards 0 and 2 (concurrently), then stage 2 is refused: shard 1's inputs are not in pieces yet.
        var stage1 = new Dictionary<int, JsonNode>();
        foreach (var (k, summary) in await RunShardsAsync(store, recipe, 1, [0, 2])) stage1[k] = summary;
        var early = await ForgeCli.RunAsync(["run", recipe, "--target", store, "--shard", "0/3", "--stage", "2", "--progress", "none", .. Budget]);
        Assert.True(early.ExitCode == 1, $"exit {early.ExitCode}\n{early.Stderr}");
        Assert.Contains("stage 2 of shard 0/3 cannot start", early.Stderr, StringComparison.Ordinal);
        Assert.Contains("stage 1 has not finished for shard(s) 1/3 (finished: 0/3, 2/3)", early.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(CliWork.Files(store), f => !f.StartsWith(".forge/", StringComparison.Ordinal));

        foreach (var (k, summary) in await RunShardsAsync(store, recipe, 1, [1])) stage1[k] = summary;
        // Every input read by exactly one stage-1 shard: opened once, decoded once.
        Assert.All(stage1.Values, s => Assert.Equal(Days / 3, s["inputs_opened"]!.GetValue<long>()));
        long decoded1 = stage1.Values.Sum(s => s["bytes_decoded"]!.GetValue<long>());
        Assert.True(decoded1 >= StreamedInputBytes, $"stage 1 decoded {decoded1} bytes, less than the inputs' {StreamedInputBytes}");
        Assert.Equal(reference["bytes_decoded"]!.GetValue<long>() - CoordinateBytes, decoded1);
        Assert.Equal(stage1.Values.Sum(s => s["pieces_in_slice"]!.GetValue<long>()), stage1.Values.Sum(s => s["pieces_written"]!.GetValue<long>()));
        Assert.NotEmpty(CliWork.Files(Path.Combine(store, ".forge", "intermediate")));

        var stage2 = await RunShardsAsync(store, recipe, 2, [0, 1, 2]);
        Assert.Equal(reference["chunks_written"]!.GetValue<long>(), stage2.Sum(s => s.Summary["chunks_written"]!.GetValue<long>()));
        // Stage 2 reads pieces, not inputs: only the coordinates lat and lon come from an input.
        Assert.Equal(CoordinateBytes, stage2.Sum(s => s.Summary["bytes_decoded"]!.GetValue<long>()));
        Assert.Equal(0, stage2.Sum(s => s.Summary["inputs_opened"]!.GetValue<long>()));
        Assert.False(File.Exists(Path.Combine(store, ".zmetadata")), "nothing is published before finalize");

        var fin = await ForgeCli.RunAsync("finalize", recipe, "--target", store, "--progress", "none");
        Assert.True(fin.ExitCode == 0, fin.Stderr);
        ShardedRuns.AssertSameStoreFiles(single, store);
        Assert.Empty(CliWork.Files(Path.Combine(store, ".forge", "intermediate")));
        Assert.Empty(CliWork.Files(Path.Combine(store, ".forge", "pieces")));
        // Not even empty folders: a local store looks like one written by a single process.
        Assert.Equal([], new[] { "intermediate", "pieces", "stage1" }.Where(d => Directory.Exists(Path.Combine(store, ".forge", d))));

        var again = await ForgeCli.RunAsync("finalize", recipe, "--target", store, "--progress", "none");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("nothing to finalize", again.Stderr, StringComparison.Ordinal);
        ShardedRuns.AssertSameStoreFiles(single, store);

        var (code, stdout, stderr) = Processes.Run(Processes.Python, [Path.Combine(AppContext.BaseDirectory, "peers", "compare_xarray.py"), store, "time", "--squeeze", "zlev", "--", .. inputs.Files.DailyFiles.Take(Days)]);
        Assert.True(code == 0, $"xarray comparison failed:\n{stdout}\n{stderr}");
        var verify = await ForgeCli.RunAsync("verify", recipe, "--target", store, "--sample", "3");
        Assert.True(verify.ExitCode == 0, verify.Stderr);
    }

    [Fact]
    public async Task Killed_in_stage_1_and_in_stage_2_then_rerun_with_another_budget_converges_to_the_single_process_run()
    {
        var recipe = Recipe(3);
        var single = Path.Combine(_work, "single.zarr");
        var one = await ForgeCli.RunAsync(["run", recipe, "--target", single, "--progress", "none", .. Budget]);
        Assert.True(one.ExitCode == 0, one.Stderr);
        var store = Path.Combine(_work, "killed.zarr");

        // Stage 1 of shard 0/2 stops itself after its 40th stored piece and is killed there.
        await KillAtAsync(["run", recipe, "--target", store, "--shard", "0/2", "--stage", "1", "--workers", "2", "--progress", "json", .. Budget], "piece:40");
        // Published markers only: a marker being written when the kill came is a temp file, and its piece is not done.
        var pieces = CliWork.Files(Path.Combine(store, ".forge", "pieces")).Count(f => !f.EndsWith(".forge-tmp", StringComparison.Ordinal));
        Assert.InRange(pieces, 40, 44);
        // The rerun (another budget and worker count) stores only the pieces still missing.
        var resumed = await MustSucceedAsync(["run", recipe, "--target", store, "--shard", "0/2", "--stage", "1", "--workers", "1", "--progress", "json", "--strategy", "spill", "--max-memory", "320KiB"]);
        Assert.Equal(resumed["pieces_in_slice"]!.GetValue<long>() - pieces, resumed["pieces_written"]!.GetValue<long>());
        Assert.True(resumed["inputs_opened"]!.GetValue<long>() < Days / 2, $"the resumed shard reopened {resumed["inputs_opened"]} inputs: those whose pieces are stored are not read again");
        await MustSucceedAsync(["run", recipe, "--target", store, "--shard", "1/2", "--stage", "1", "--progress", "json", .. Budget]);

        // Stage 2 of shard 1/2 is killed after its first stored object, then both stage-2 shards run.
        await KillAtAsync(["run", recipe, "--target", store, "--shard", "1/2", "--stage", "2", "--progress", "json", .. Budget], "chunk:1");
        await MustSucceedAsync(["run", recipe, "--target", store, "--shard", "1/2", "--stage", "2", "--workers", "1", "--progress", "json", .. Budget]);
        await MustSucceedAsync(["run", recipe, "--target", store, "--shard", "0/2", "--stage", "2", "--progress", "json", .. Budget]);

        // Finalize is killed right after it began to publish; the next one completes the store and removes the pieces.
        await KillAtAsync(["finalize", recipe, "--target", store, "--progress", "json"], "stage=publish:1");
        await MustSucceedAsync(["finalize", recipe, "--target", store, "--progress", "json"]);
        ShardedRuns.AssertSameStoreFiles(single, store);
        Assert.Empty(CliWork.Files(Path.Combine(store, ".forge", "intermediate")));
        Assert.Empty(CliWork.Files(Path.Combine(store, ".forge", "leases")));
    }

    [Fact]
    public async Task A_piece_the_ledger_says_is_stored_but_is_missing_is_an_error_never_the_fill_value()
    {
        var recipe = Recipe();
        var store = Path.Combine(_work, "lost.zarr");
        foreach (var k in new[] { 0, 1 })
        {
            var s1 = await ForgeCli.RunAsync(["run", recipe, "--target", store, "--shard", $"{k}/2", "--stage", "1", "--progress", "none", .. Budget]);
            Assert.True(s1.ExitCode == 0, s1.Stderr);
        }

        // As if a crash lost the first piece of sst/0.0.0 after the ledger recorded it.
        File.Delete(Path.Combine(store, ".forge", "intermediate", "sst", "0.0.0"));
        var s2 = await ForgeCli.RunAsync(["run", recipe, "--target", store, "--shard", "0/2", "--stage", "2", "--progress", "none", .. Budget]);
        Assert.True(s2.ExitCode == 1, $"exit {s2.ExitCode}\n{s2.Stderr}");
        Assert.Contains("piece sst/0.0.0 is marked stored in the ledger but '.forge/intermediate/sst/0.0.0' is missing", s2.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(store, "sst", "0.0.0")), "no object is written from a lost piece");
    }

    [Fact]
    public async Task Stage_on_a_plan_that_does_not_spill_says_so_and_stage_without_shard_is_a_plain_run()
    {
        var recipe = Recipe();
        var single = Path.Combine(_work, "single.zarr");
        var one = await ForgeCli.RunAsync("run", recipe, "--target", single, "--progress", "none");
        Assert.True(one.ExitCode == 0, one.Stderr);

        // A budget that holds every open object: one pass, nothing to stage.
        var store = Path.Combine(_work, "unstaged.zarr");
        var noop = await ForgeCli.RunAsync("run", recipe, "--target", store, "--shard", "0/2", "--stage", "1", "--progress", "none");
        Assert.True(noop.ExitCode == 0, noop.Stderr);
        Assert.Contains("--stage 1: nothing to do: the plan does not spill", noop.Stderr, StringComparison.Ordinal);
        foreach (var k in new[] { 0, 1 })
        {
            var s2 = await ForgeCli.RunAsync("run", recipe, "--target", store, "--shard", $"{k}/2", "--stage", "2", "--progress", "none");
            Assert.True(s2.ExitCode == 0, s2.Stderr);
            Assert.Contains("the plan does not spill", s2.Stderr, StringComparison.Ordinal);
        }

        var fin = await ForgeCli.RunAsync("finalize", recipe, "--target", store, "--progress", "none");
        Assert.True(fin.ExitCode == 0, fin.Stderr);
        ShardedRuns.AssertSameStoreFiles(single, store);

        // --stage without --shard: one process, local spill, the same store.
        var whole = Path.Combine(_work, "whole.zarr");
        var plain = await ForgeCli.RunAsync(["run", recipe, "--target", whole, "--stage", "2", "--progress", "none", .. Budget]);
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.Contains("--stage 2 without --shard: one process runs both stages", plain.Stderr, StringComparison.Ordinal);
        ShardedRuns.AssertSameStoreFiles(single, whole);
        Assert.False(Directory.Exists(Path.Combine(whole, ".forge", "intermediate")), "a single process spills to local scratch, not beside the target");

        var bad = await ForgeCli.RunAsync("run", recipe, "--target", whole, "--shard", "0/2", "--stage", "3");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--stage 3: must be 1", bad.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs the given shards of one stage as concurrent processes; each must succeed. Returns their JSON summaries.</summary>
    private async Task<List<(int Shard, JsonNode Summary)>> RunShardsAsync(string store, string recipe, int stage, int[] shards)
    {
        var runs = shards.Select(k => (K: k, P: ForgeProcess.Start(["run", recipe, "--target", store, "--shard", $"{k}/3", "--stage", $"{stage}", "--workers", "1", "--progress", "json", .. Budget]))).ToList();
        var result = new List<(int, JsonNode)>();
        try
        {
            foreach (var (k, p) in runs)
            {
                var code = await p.WaitAsync(Deadline);
                Assert.True(code == 0, $"shard {k}/3 stage {stage}: exit {code}\n{p.Stderr}");
                var summary = CliWork.Summary(p.Stdout);
                Assert.Equal(stage, summary["stage"]!.GetValue<int>());
                result.Add((k, summary));
            }
        }
        finally
        {
            foreach (var (_, p) in runs) p.Dispose();
        }

        return result;
    }

    /// <summary>Starts forge with FORGE_DEBUG_STOP_AT, waits (with a deadline) until it stopped itself there, then SIGKILLs it.</summary>
    private static async Task KillAtAsync(string[] args, string stopAt)
    {
        using var forge = ForgeProcess.Start(args, new Dictionary<string, string> { ["FORGE_DEBUG_STOP_AT"] = stopAt });
        Assert.True(await forge.WaitUntilStoppedAsync(Deadline), $"forge ended before its stop point {stopAt}:\n{forge.Stdout}\n{forge.Stderr}");
        forge.Kill();
        Assert.NotEqual(0, await forge.WaitAsync(Deadline));
    }

    private static async Task<JsonNode> MustSucceedAsync(string[] args)
    {
        using var forge = ForgeProcess.Start(args);
        var code = await forge.WaitAsync(Deadline);
        Assert.True(code == 0, $"forge {string.Join(' ', args)}: exit {code}\n{forge.Stderr}");
        var summary = CliWork.Summary(forge.Stdout);
        Assert.Equal("succeeded", summary["status"]!.GetValue<string>());
        return summary;
    }
}
