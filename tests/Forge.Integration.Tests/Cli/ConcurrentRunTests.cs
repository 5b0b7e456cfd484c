using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Two real <c>forge run</c> processes on one target (issue #9): the first takes the lease and is held in its fetch
/// stage by a gated server; the second refuses with exit 1 naming the first's pid and writes nothing; once the gate
/// opens the first finishes a complete store. No timing: the test waits for the lease file and the gate, each with a deadline.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class ConcurrentRunTests(ServedInputs inputs) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly string _work = CliWork.TempDir("forge-concurrent-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task A_second_concurrent_run_on_one_target_refuses_with_exit_1_and_the_first_completes()
    {
        await using var server = await GatedServer.StartAsync(inputs.Files.Root);
        // The first run waits at the gate while the second starts: a fetch timeout far beyond the test's deadline.
        var recipe = RecipeFiles.Write(_work, "busy", $$"""
            forge: 1
            id: busy
            inputs:
              url: "{{server.BaseUrl}}/daily/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 1981-09-01, end: 1981-09-08, step: 1 day }
              fetch: { retries: 0, timeout: 900s }
            transforms:
              - squeeze: [zlev]
            target:
              zarr_format: 3
              chunks: { time: 4, lat: 18, lon: 36 }
            """);
        var store = Path.Combine(_work, "busy.zarr");
        using var first = ForgeProcess.Start(["run", recipe, "--target", store, "--progress", "none"]);
        var lease = Path.Combine(store, ".forge", "lease");
        using (var until = new CancellationTokenSource(Deadline))
        {
            // The lease comes before any download; the first fetch then waits at the gate.
            while (!File.Exists(lease) || server.Requests == 0)
                await Task.Delay(50, until.Token);
        }

        using (var second = ForgeProcess.Start(["run", recipe, "--target", store, "--progress", "none"]))
        {
            var code = await second.WaitAsync(Deadline);
            Assert.True(code == 1, $"the second run must refuse: exit {code}\n{second.Stderr}");
            Assert.Contains("is in use by another forge run", second.Stderr, StringComparison.Ordinal);
            Assert.Contains($"pid {first.Id}", second.Stderr, StringComparison.Ordinal);
        }

        Assert.Equal([".forge/lease"], CliWork.Files(store));
        server.Open();
        var firstCode = await first.WaitAsync(Deadline);
        Assert.True(firstCode == 0, $"the first run completes: exit {firstCode}\n{first.Stderr}");
        Assert.True(File.Exists(Path.Combine(store, "zarr.json")));
        Assert.False(File.Exists(lease), "the lease is released when the run ends");
        var verify = await ForgeCli.RunAsync("verify", recipe, "--target", store);
        Assert.True(verify.ExitCode == 0, verify.Stderr);
    }
}
