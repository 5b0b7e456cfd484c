using Forge.Cli;
using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Ctrl-C semantics, in-process: cancelling the token given to <c>ForgeApp.RunAsync</c> during the data pass is exit
/// code 130 with nothing published; finished units are kept and a rerun completes the store, equal to a fresh run.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class CancellationTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-cancel-");

    public void Dispose() => CliWork.Delete(_work);

    [Theory]
    [InlineData("input", 3)] // while fetching and reading headers
    [InlineData("chunk", 2)] // in the data pass, far from done
    public async Task Cancelling_during_the_run_is_exit_130_and_a_rerun_completes(string eventName, int afterEvents)
    {
        var recipe = CliWork.DailyRecipe(_work, inputs, "cancel", "daily", "1981-10-10");
        var store = Path.Combine(_work, "cancel.zarr");
        using var cts = new CancellationTokenSource();
        using var stdout = new CancellingWriter($"\"event\":\"{eventName}\"", afterEvents, cts);
        using var stderr = new StringWriter();
        var code = await ForgeApp.RunAsync(["run", recipe, "--target", store, "--workers", "1", "--progress", "json"],
            TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), cts.Token);
        Assert.True(cts.IsCancellationRequested, "the run ended before the cancellation point");
        Assert.True(code == 130, $"exit {code}\n{stderr}");
        Assert.Contains("cancelled", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("failed", CliWork.Summary(stdout.ToString())["status"]!.GetValue<string>());
        Assert.False(File.Exists(Path.Combine(store, "zarr.json")), "nothing may be published after a cancelled run");
        Assert.False(File.Exists(Path.Combine(store, ".forge", "complete")));

        var rerun = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "json");
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Equal("succeeded", CliWork.Summary(rerun.Stdout)["status"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(store, "zarr.json")));

        var fresh = Path.Combine(_work, "fresh.zarr");
        var full = await ForgeCli.RunAsync("run", recipe, "--target", fresh, "--progress", "none");
        Assert.True(full.ExitCode == 0, full.Stderr);
        await StoreComparison.AssertSameArraysAsync(StoreLocator.Open(fresh), StoreLocator.Open(store));
    }

    /// <summary>A StringWriter that cancels a token once a marker has appeared in N written lines.</summary>
    private sealed class CancellingWriter(string marker, int count, CancellationTokenSource cts) : StringWriter
    {
        private int _seen;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            Observe(value);
        }

        public override void Write(string? value)
        {
            base.Write(value);
            Observe(value);
        }

        private void Observe(string? value)
        {
            if (value is not null && value.Contains(marker, StringComparison.Ordinal) && Interlocked.Increment(ref _seen) == count)
                cts.Cancel();
        }
    }
}
