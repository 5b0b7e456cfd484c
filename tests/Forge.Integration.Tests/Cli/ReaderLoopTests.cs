using System.Diagnostics;
using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Readers never see a half-written store: zarr-python and xarray (Debian's, peers/reader_loop.py) open the target
/// again and again while <c>forge run</c> writes it and while it appends to it, checking each time that shapes,
/// chunk grids and the chunk keys that exist agree (consolidated and plain views), that xarray loads every variable,
/// and that the values equal the finished store's over the visible extent. The run is held still at chosen points
/// (FORGE_DEBUG_STOP_AT; the test waits for two polls, then SIGCONT), so polls provably happen mid-run, not only before
/// and after it. A new store is absent until published; an append shows the old version, then the new, never neither.
/// </summary>
public sealed class ReaderLoopTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly string _work = CliWork.TempDir("forge-readers-");

    public void Dispose() => CliWork.Delete(_work);

    private static string Chunks => "{ time: 8, lat: 18, lon: 36 }";

    [Fact]
    public async Task A_reader_polling_during_a_run_sees_no_store_until_publish_then_the_whole_store()
    {
        var files = new InputFiles();
        try
        {
            var recipe = ShardedRuns.LocalDailyRecipe(_work, files.DailyFiles, 20, 2, "readers", Chunks);
            var reference = Path.Combine(_work, "reference.zarr");
            var r = await ForgeCli.RunAsync("run", recipe, "--target", reference, "--progress", "none");
            Assert.True(r.ExitCode == 0, r.Stderr);

            var store = Path.Combine(_work, "run.zarr");
            var summary = await ReadWhileRunningAsync(recipe, store, reference, [("chunk", 3), ("chunk", 12)]);
            var versions = summary["versions"]!.AsArray();
            Assert.True(summary["absent"]!.GetValue<int>() >= 4, $"polls while the run was held before publish must see no store: {summary}");
            Assert.Single(versions); // only the finished store, once published
            Assert.Equal(20, versions[0]!["shapes"]!.AsArray().Single(s => s![0]!.GetValue<string>() == "sst")![1]![0]!.GetValue<int>());
        }
        finally
        {
            files.Dispose();
        }
    }

    [Fact]
    public async Task A_reader_polling_during_an_append_sees_the_old_version_then_the_new_never_a_mix()
    {
        var files = new InputFiles();
        try
        {
            var store = Path.Combine(_work, "append.zarr");
            var first = ShardedRuns.LocalDailyRecipe(_work, files.DailyFiles, 20, 2, "readers", Chunks);
            var r = await ForgeCli.RunAsync("run", first, "--target", store, "--progress", "none");
            Assert.True(r.ExitCode == 0, r.Stderr);

            // The same recipe with 15 more days (cron's grown range); its fresh run is the reference.
            var grown = ShardedRuns.LocalDailyRecipe(_work, files.DailyFiles, 35, 2, "readers", Chunks);
            Assert.Equal(first, grown);
            var reference = Path.Combine(_work, "reference.zarr");
            var full = await ForgeCli.RunAsync("run", grown, "--target", reference, "--progress", "none");
            Assert.True(full.ExitCode == 0, full.Stderr);

            var summary = await ReadWhileRunningAsync(grown, store, reference, [("chunk", 2), ("chunk", 9)]);
            Assert.True(summary["absent"]!.GetValue<int>() == 0, $"the previous version stays readable during an append: {summary}");
            var lengths = summary["versions"]!.AsArray()
                .Select(v => v!["shapes"]!.AsArray().Single(s => s![0]!.GetValue<string>() == "sst")![1]![0]!.GetValue<int>())
                .Order().ToArray();
            Assert.Equal([20, 35], lengths);
            var old = summary["versions"]!.AsArray().Single(v => v!["shapes"]!.AsArray().Single(s => s![0]!.GetValue<string>() == "sst")![1]![0]!.GetValue<int>() == 20)!;
            Assert.True(old["polls"]!.GetValue<int>() >= 4, $"polls while the append was held must see the old version: {summary}");
        }
        finally
        {
            files.Dispose();
        }
    }

    /// <summary>
    /// Starts the reader loop on <paramref name="store"/>, then <c>forge run</c> stopping at each point; at each stop
    /// the reader must poll twice before the run continues. Returns the reader's summary (it must exit 0).
    /// </summary>
    private async Task<JsonNode> ReadWhileRunningAsync(string recipe, string store, string reference, (string Event, int N)[] points)
    {
        var stopFile = Path.Combine(_work, "stop-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo(Processes.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliWork.PeerScript("reader_loop.py"), store, reference, stopFile, "--deadline", "600" }) psi.ArgumentList.Add(a);
        using var reader = new Process { StartInfo = psi };
        var lines = new List<string>();
        int polls = 0;
        reader.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            Interlocked.Increment(ref polls);
        };
        var stderr = new System.Text.StringBuilder();
        reader.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        reader.Start();
        reader.BeginOutputReadLine();
        reader.BeginErrorReadLine();
        try
        {
            await WaitForAsync(() => Volatile.Read(ref polls) >= 1, "the reader's first poll", reader, stderr);
            var rule = string.Join(',', points.Select(p => $"{p.Event}:{p.N}"));
            using var forge = ForgeProcess.Start(["run", recipe, "--target", store, "--workers", "1", "--progress", "json"],
                new Dictionary<string, string> { ["FORGE_DEBUG_STOP_AT"] = rule });
            foreach (var (ev, n) in points)
            {
                // The n-th event of the kind is on stdout, then the process is stopped right after it.
                await WaitForAsync(() => Count(forge.Stdout, ev) >= n, $"event {ev} #{n}", reader, stderr);
                Assert.True(await forge.WaitUntilStoppedAsync(Deadline), $"forge ended before its stop at {ev}:{n}\n{forge.Stderr}\n{forge.Stdout}");
                int at = Volatile.Read(ref polls);
                await WaitForAsync(() => Volatile.Read(ref polls) >= at + 2, $"two reader polls while stopped at {ev}:{n}", reader, stderr);
                Processes.Check("kill", "-CONT", forge.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var code = await forge.WaitAsync(Deadline);
            Assert.True(code == 0, $"forge: exit {code}\n{forge.Stderr}");
            int after = Volatile.Read(ref polls);
            await WaitForAsync(() => Volatile.Read(ref polls) >= after + 2, "two reader polls after the run", reader, stderr);
            await File.WriteAllTextAsync(stopFile, "stop");
            using var cts = new CancellationTokenSource(Deadline);
            await reader.WaitForExitAsync(cts.Token);
            reader.WaitForExit(); // drains the redirected streams
            string last;
            lock (lines) last = lines[^1];
            Assert.True(reader.ExitCode == 0, $"the reader saw an inconsistent store: {stderr}\n{last}");
            var summary = JsonNode.Parse(last)!;
            output.WriteLine($"reader polls: {summary["polls"]}, absent: {summary["absent"]}, straddling a commit (repeated): {summary["straddled"]}, plain view mid-publish: {summary["mid_publish"]}, versions: {summary["versions"]!.ToJsonString()}");
            return summary;
        }
        finally
        {
            if (!reader.HasExited) reader.Kill();
        }
    }

    private static int Count(string stdout, string ev)
    {
        var (kind, stage) = ev.StartsWith("stage=", StringComparison.Ordinal) ? ("stage", ev["stage=".Length..]) : (ev, null);
        return CliWork.JsonLines(stdout).Count(e => e["event"]!.GetValue<string>() == kind && (stage is null || e["stage"]?.GetValue<string>() == stage));
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, Process reader, System.Text.StringBuilder stderr)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (reader.HasExited) throw new Xunit.Sdk.XunitException($"the reader ended while waiting for {what}: {stderr}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"waited {Deadline} for {what}");
            await Task.Delay(20);
        }
    }
}
