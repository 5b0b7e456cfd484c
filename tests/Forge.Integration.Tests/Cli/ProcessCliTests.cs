using System.Text.Json;
using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The real program in a child process: with <c>--progress json</c> stdout is JSON lines only (no log lines mixed
/// in), secrets from the environment appear nowhere, and SIGINT (Ctrl-C), SIGTERM and SIGHUP are exit 130 with a resumable target.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class ProcessCliTests(ServedInputs inputs) : IDisposable
{
    private const string Token = "tok-8d1f0c2a-SECRET";
    private const string ApiKey = "key-51be77e0-SECRET";
    private readonly string _work = CliWork.TempDir("forge-proc-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task Json_progress_stdout_is_only_json_and_secrets_never_appear_even_on_a_404()
    {
        // Days 1-3 are served, day 4 is missing (404); the fetches carry a bearer token and an API key from the environment.
        CliWork.ServedFolder(inputs, "secret-gap", inputs.Files.DailyFiles.Take(3));
        var recipe = RecipeFiles.Write(_work, "secret", $$"""
            forge: 1
            id: secret
            inputs:
              url: "{{inputs.Server.BaseUrl}}/secret-gap/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 1981-09-01, end: 1981-09-04, step: 1 day }
              fetch:
                retries: 0
                timeout: 20s
                auth: { bearer_env: FORGE_IT_TOKEN }
                query_secrets: { apikey: FORGE_IT_KEY }
            target:
              zarr_format: 3
            """);
        var env = new Dictionary<string, string> { ["FORGE_IT_TOKEN"] = Token, ["FORGE_IT_KEY"] = ApiKey };
        using var forge = ForgeProcess.Start(["run", recipe, "--target", Path.Combine(_work, "secret.zarr"), "--progress", "json"], env);
        var code = await forge.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(code == 1, $"exit {code}\n{forge.Stderr}");
        Assert.Contains($"{inputs.Server.BaseUrl}/secret-gap/oisst-avhrr-v02r01.19810904.nc", forge.Stderr, StringComparison.Ordinal);
        foreach (var line in forge.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try { JsonDocument.Parse(line).Dispose(); }
            catch (JsonException) { Assert.Fail($"--progress json stdout has a line that is not JSON: {line}"); }
        }

        Assert.Equal("failed", CliWork.Summary(forge.Stdout)["status"]!.GetValue<string>());
        foreach (var secret in new[] { Token, ApiKey, "SECRET" })
        {
            Assert.DoesNotContain(secret, forge.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, forge.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Header_checks_are_answered_when_the_thread_pool_has_one_thread()
    {
        // The schema pass blocks pool threads while the header-check child answers; the answer must not need a free
        // pool thread to arrive. With one pool thread the answer once waited for the 60 s timeout, and a good file
        // was reported as "did not finish reading the header (corrupt file?)"; on 2 cores it cost 0.5-1 s per pool
        // growth step (3 of a 365-file plan's 3.7 s).
        var recipe = RecipeFiles.Write(_work, "one-pool-thread", $$"""
            forge: 1
            id: one-pool-thread
            inputs:
              url: "{{inputs.Files.DailyDir}}/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 1981-09-01, end: 1981-09-06, step: 1 day }
            target:
              zarr_format: 2
            """);
        var env = new Dictionary<string, string> { ["DOTNET_ThreadPool_ForceMaxWorkerThreads"] = "1" };
        using var forge = ForgeProcess.Start(["plan", recipe, "--probe", "all"], env);
        var code = await forge.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(code == 0, $"exit {code}\n{forge.Stderr}");
        Assert.Contains("inputs: 6", forge.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("HUP")] // the terminal went away: handled like SIGTERM, not a crash that loses the ledger
    public async Task A_signal_during_the_data_pass_is_exit_130_and_a_rerun_completes(string signal)
    {
        // Deterministic, no timing: the stdout reader stops at the first chunk event, so forge (whose JSON events are
        // written synchronously by the writing thread) blocks once the pipe is full, long before its last object:
        // 1440 objects of about 100 bytes of events each, against 64 KiB of pipe and 4 KiB of reader buffer. The
        // reader resumes only once forge has acknowledged the signal on stderr, i.e. after it asked the run to stop.
        var recipe = CliWork.DailyRecipe(_work, inputs, "sig" + signal.ToLowerInvariant(), "daily", "1981-10-10", chunks: "{ time: 1, lat: 12, lon: 24 }");
        var store = Path.Combine(_work, "sigint.zarr");
        var chunks = 0;
        var acknowledged = false;
        ForgeProcess? forge = null;
        forge = ForgeProcess.Start(["run", recipe, "--target", store, "--workers", "1", "--progress", "json"], onStdoutLine: line =>
        {
            if (!line.Contains("\"event\":\"chunk\"", StringComparison.Ordinal) || Interlocked.Increment(ref chunks) != 1) return;
            Processes.Run("kill", ["-" + signal, forge!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            acknowledged = forge.WaitForStderr($"SIG{signal} received: stopping", TimeSpan.FromMinutes(1));
        });
        using (forge)
        {
            var code = await forge.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(acknowledged, $"forge did not acknowledge SIG{signal} on stderr\n{forge.Stderr}");
            Assert.True(code == 130, $"exit {code}\n{forge.Stderr}");
            Assert.Contains("cancelled", forge.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(store, "zarr.json")), "nothing may be published after a signal");
            var events = CliWork.JsonLines(forge.Stdout);
            var total = events.Last(e => e["event"]?.GetValue<string>() == "totals" && e["objects_total"] is not null)["objects_total"]!.GetValue<int>();
            var written = events.Count(e => e["event"]?.GetValue<string>() == "chunk");
            Assert.InRange(written, 1, total - 1); // stopped during the data pass, not after it
        }

        var rerun = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        var fresh = Path.Combine(_work, "fresh.zarr");
        var full = await ForgeCli.RunAsync("run", recipe, "--target", fresh, "--progress", "none");
        Assert.True(full.ExitCode == 0, full.Stderr);
        await StoreComparison.AssertSameArraysAsync(StoreLocator.Open(fresh), StoreLocator.Open(store));
    }

    [Fact]
    public async Task Relative_target_and_cache_resolve_against_the_working_directory_and_inputs_against_the_recipe()
    {
        // A feedstock copied elsewhere: its relative input paths must follow the recipe file, not the working directory.
        var feedstock = Path.Combine(_work, "feedstock");
        Directory.CreateDirectory(Path.Combine(feedstock, "data"));
        foreach (var f in Directory.GetFiles(Repo.PathOf("recipes", "quickstart"), "*.yaml")) File.Copy(f, Path.Combine(feedstock, Path.GetFileName(f)));
        foreach (var f in Directory.GetFiles(Repo.PathOf("recipes", "quickstart", "data")).Order(StringComparer.Ordinal).Take(3))
            File.Copy(f, Path.Combine(feedstock, "data", Path.GetFileName(f)));
        var cwd = Path.Combine(_work, "cwd");
        Directory.CreateDirectory(cwd);

        using (var byDefault = ForgeProcess.Start(["run", feedstock, "--prune", "3", "--progress", "none"], workingDirectory: cwd))
        {
            var code = await byDefault.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(code == 0, byDefault.Stderr);
        }

        // A pruned run writes the scratch twin of the default target ./output/<id>.zarr, in the working directory.
        Assert.True(File.Exists(Path.Combine(cwd, "output", "quickstart-oisst.zarr.prune-3", "zarr.json")), "the default target is ./output/<id>.zarr in the working directory");
        Assert.False(Directory.Exists(Path.Combine(cwd, "output", "quickstart-oisst.zarr")), "a pruned run never writes the production target");

        using (var relative = ForgeProcess.Start(["run", Path.Combine(feedstock, "oisst.yaml"), "--prune", "2", "--target", "rel/t.zarr", "--cache", "rel/cache", "--progress", "none"], workingDirectory: cwd))
        {
            var code = await relative.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(code == 0, relative.Stderr);
        }

        Assert.True(File.Exists(Path.Combine(cwd, "rel", "t.zarr", "zarr.json")));
        Assert.False(Directory.Exists(Path.Combine(feedstock, "rel")), "relative targets do not follow the recipe folder");
        Assert.False(Directory.Exists(Path.Combine(feedstock, "output")));
    }
}
