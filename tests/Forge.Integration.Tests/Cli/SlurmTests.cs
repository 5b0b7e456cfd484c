using System.Diagnostics;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>Runs only where single-node Slurm can start (installed, root); otherwise skipped, saying why.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (SingleNodeSlurm.Unavailable() is { } why) Skip = why;
    }
}

/// <summary>
/// Issue #9 acceptance: single-node Slurm on loopback (munged, slurmctld, slurmd) runs <c>sbatch --array=0-3</c> with
/// <c>forge run --shard $SLURM_ARRAY_TASK_ID/4</c> and <c>forge finalize</c> as a job depending on it
/// (<c>--dependency=afterok</c>); the store equals, file for file and byte for byte, a single-process run. Then the
/// two-stage form for a plan that spills: a stage-1 array (<c>--stage 1</c>), a stage-2 array after it, finalize after that. Every wait
/// has a deadline; the daemons are stopped after.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class SlurmTests(ServedInputs inputs) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);
    private readonly string _work = CliWork.TempDir("forge-slurmjob-");

    public void Dispose() => CliWork.Delete(_work);

    [SlurmFact]
    public async Task A_four_task_job_array_and_a_dependent_finalize_write_the_single_process_store_in_one_and_in_two_stages()
    {
        var recipe = ShardedRuns.LocalDailyRecipe(_work, inputs.Files.DailyFiles, 16, 3, id: "slurm");
        var single = Path.Combine(_work, "single.zarr");
        var one = await ForgeCli.RunAsync("run", recipe, "--target", single, "--progress", "none");
        Assert.True(one.ExitCode == 0, one.Stderr);

        await using var slurm = await SingleNodeSlurm.StartAsync();
        var store = Path.Combine(_work, "slurm.zarr");
        var forge = $"dotnet {ForgeProcess.ProgramPath}";
        var shards = Script("shards.sh", $"""
            #!/bin/bash
            #SBATCH --job-name=forge-shards
            #SBATCH --output={_work}/shard_%A_%a.txt
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=1
            exec {forge} run {recipe} --target {store} --shard $SLURM_ARRAY_TASK_ID/4 --workers 1 --progress plain
            """);
        var finalize = Script("finalize.sh", $"""
            #!/bin/bash
            #SBATCH --job-name=forge-finalize
            #SBATCH --output={_work}/finalize_%j.txt
            #SBATCH --ntasks=1
            exec {forge} finalize {recipe} --target {store} --progress plain
            """);

        var array = Submit(slurm, "--parsable", "--array=0-3", shards);
        var last = Submit(slurm, "--parsable", $"--dependency=afterok:{array}", finalize);
        await WaitForAsync(slurm, last);

        var tasks = slurm.ShowJob(array);
        Assert.Equal(4, tasks.Count);
        Assert.All(tasks, t => Assert.True(t["JobState"] == "COMPLETED" && t["ExitCode"] == "0:0", $"task {t["ArrayTaskId"]}: {t["JobState"]} {t["ExitCode"]}"));
        for (int k = 0; k < 4; k++)
            Assert.Contains($"shard {k}/4 succeeded", File.ReadAllText(Path.Combine(_work, $"shard_{array}_{k}.txt")), StringComparison.Ordinal);
        Assert.Contains("finalized", File.ReadAllText(Path.Combine(_work, $"finalize_{last}.txt")), StringComparison.Ordinal);
        ShardedRuns.AssertSameStoreFiles(single, store);

        // Two stages (a plan that spills: chunks spanning all 16 inputs, a small budget): a stage-1 array, a stage-2
        // array after it, then finalize, each depending on the previous with afterok; the same daemons.
        string[] budget = ["--strategy", "spill", "--max-memory", "200KiB"];
        var stagedRecipe = ShardedRuns.LocalDailyRecipe(_work, inputs.Files.DailyFiles, 16, 3, id: "slurm-staged", chunks: "{ time: 16, lat: 18, lon: 36 }");
        var stagedSingle = Path.Combine(_work, "staged-single.zarr");
        var reference = await ForgeCli.RunAsync(["run", stagedRecipe, "--target", stagedSingle, "--progress", "none", .. budget]);
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        var staged = Path.Combine(_work, "slurm-staged.zarr");
        var stage = Script("stage.sh", $"""
            #!/bin/bash
            #SBATCH --job-name=forge-stage
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=1
            exec {forge} run {stagedRecipe} --target {staged} --shard $SLURM_ARRAY_TASK_ID/4 --stage $1 --workers 1 {string.Join(' ', budget)} --progress plain
            """);
        var stagedFinalize = Script("staged-finalize.sh", $"""
            #!/bin/bash
            #SBATCH --job-name=forge-staged-finalize
            #SBATCH --output={_work}/staged-finalize_%j.txt
            #SBATCH --ntasks=1
            exec {forge} finalize {stagedRecipe} --target {staged} --progress plain
            """);
        var first = Submit(slurm, "--parsable", "--array=0-3", $"--output={_work}/stage1_%A_%a.txt", stage, "1");
        var two = Submit(slurm, "--parsable", "--array=0-3", $"--output={_work}/stage2_%A_%a.txt", $"--dependency=afterok:{first}", stage, "2");
        var done = Submit(slurm, "--parsable", $"--dependency=afterok:{two}", stagedFinalize);
        await WaitForAsync(slurm, done);
        for (int k = 0; k < 4; k++)
        {
            Assert.Contains($"shard {k}/4 stage 1 succeeded", File.ReadAllText(Path.Combine(_work, $"stage1_{first}_{k}.txt")), StringComparison.Ordinal);
            Assert.Contains($"shard {k}/4 stage 2 succeeded", File.ReadAllText(Path.Combine(_work, $"stage2_{two}_{k}.txt")), StringComparison.Ordinal);
        }

        ShardedRuns.AssertSameStoreFiles(stagedSingle, staged);
        Assert.Empty(CliWork.Files(Path.Combine(staged, ".forge", "intermediate")));
    }

    /// <summary>Waits (with a deadline) until job <paramref name="last"/> completed; fails at once when it cannot run any more.</summary>
    private async Task WaitForAsync(SingleNodeSlurm slurm, string last)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var job = slurm.ShowJob(last).Single();
            var state = job.GetValueOrDefault("JobState");
            if (state == "COMPLETED") break;
            Assert.True(state is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING", $"job {last} is {state} ({job.GetValueOrDefault("Reason")})\n{Outputs()}\n{slurm.Logs()}");
            Assert.True(job.GetValueOrDefault("Reason") != "DependencyNeverSatisfied", $"a job it depends on failed, so job {last} never runs\n{Outputs()}");
            Assert.True(clock.Elapsed < Deadline, $"the jobs did not finish within {Deadline}\n{Outputs()}\n{slurm.Logs()}");
            await Task.Delay(500);
        }
    }

    private string Script(string name, string text)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        return path;
    }

    private static string Submit(SingleNodeSlurm slurm, params string[] args)
    {
        var (code, stdout, stderr) = slurm.Client("sbatch", args);
        Assert.True(code == 0, $"sbatch {string.Join(' ', args)}: exit {code}: {stderr}\n{slurm.Logs()}");
        return stdout.Trim().Split(';')[0];
    }

    private string Outputs() => string.Join("\n", Directory.GetFiles(_work, "*.txt").Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));
}
