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
/// (<c>--dependency=afterok</c>); the store equals, file for file and byte for byte, a single-process run. Every wait
/// has a deadline; the daemons are stopped after.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class SlurmTests(ServedInputs inputs) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);
    private readonly string _work = CliWork.TempDir("forge-slurmjob-");

    public void Dispose() => CliWork.Delete(_work);

    [SlurmFact]
    public async Task A_four_task_job_array_and_a_dependent_finalize_write_the_single_process_store()
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
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var job = slurm.ShowJob(last).Single();
            var state = job.GetValueOrDefault("JobState");
            if (state == "COMPLETED") break;
            Assert.True(state is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING", $"finalize job {last} is {state} ({job.GetValueOrDefault("Reason")})\n{Outputs()}\n{slurm.Logs()}");
            Assert.True(job.GetValueOrDefault("Reason") != "DependencyNeverSatisfied", $"a shard failed, so finalize never runs\n{Outputs()}");
            Assert.True(clock.Elapsed < Deadline, $"the jobs did not finish within {Deadline}\n{Outputs()}\n{slurm.Logs()}");
            await Task.Delay(500);
        }

        var tasks = slurm.ShowJob(array);
        Assert.Equal(4, tasks.Count);
        Assert.All(tasks, t => Assert.True(t["JobState"] == "COMPLETED" && t["ExitCode"] == "0:0", $"task {t["ArrayTaskId"]}: {t["JobState"]} {t["ExitCode"]}"));
        for (int k = 0; k < 4; k++)
            Assert.Contains($"shard {k}/4 succeeded", File.ReadAllText(Path.Combine(_work, $"shard_{array}_{k}.txt")), StringComparison.Ordinal);
        Assert.Contains("finalized", File.ReadAllText(Path.Combine(_work, $"finalize_{last}.txt")), StringComparison.Ordinal);
        ShardedRuns.AssertSameStoreFiles(single, store);
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
