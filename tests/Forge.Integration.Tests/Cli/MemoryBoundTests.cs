using System.Globalization;
using System.Text.Json.Nodes;
using Forge.Core.Storage;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The engine's memory acceptance test: a scaled S2 (128 daily 1000×2000 float32 files, 1.02 GB of array data)
/// rechunked to (128, 250, 500) chunks, so every target chunk spans every input and holding the open chunks at
/// once would take the whole 1.02 GB. The real program runs in a child process with --max-memory 256MiB; its peak
/// resident memory (VmHWM from /proc) must stay within the budget plus the fixed overhead docs/engine.md states,
/// its store must equal byte for byte the one written with an 8 GiB budget, and xarray must read it equal to
/// open_mfdataset of the inputs.
/// </summary>
public sealed class MemoryBoundTests : IDisposable
{
    private const long MiB = 1L << 20;

    /// <summary>The fixed overhead above run.max_memory that docs/engine.md states (runtime, native libraries, metadata, GC heap).</summary>
    private const long StatedOverhead = 160 * MiB;

    private readonly string _work = WorkFolder();

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task A256MiBBudgetHoldsForChunksSpanningEveryInputAndTheStoreIsTheSame()
    {
        const int days = 128, nlat = 1000, nlon = 2000;
        var inputs = Path.Combine(_work, "in");
        Processes.Check(Processes.Python, CliWork.PeerScript("make_s2_scaled.py"), inputs, "--days", days.ToString(CultureInfo.InvariantCulture), "--nlat", nlat.ToString(CultureInfo.InvariantCulture), "--nlon", nlon.ToString(CultureInfo.InvariantCulture));
        Assert.True((long)days * nlat * nlon * 4 >= 1_000_000_000, "the naive open set must be at least 1 GB");
        var recipe = RecipeFiles.Write(_work, "s2-scaled", $$"""
            forge: 1
            id: s2-scaled
            inputs:
              url: "file://{{inputs}}/day{time}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 0, end: {{days - 1}} }
            target:
              zarr_format: 2
              chunks: { time: {{days}}, lat: 250, lon: 500 }
              codec: { blosc: { cname: lz4, clevel: 5, shuffle: shuffle } }
            run:
              workers: 2
            """);

        var small = Path.Combine(_work, "small.zarr");
        var (summary, polledPeak) = await RunAsync(recipe, small, "256MiB");
        // The summary reads VmHWM just before the program ends; the polled value is the parent's own reading.
        long peak = Math.Max(summary["peak_rss_bytes"]!.GetValue<long>(), polledPeak);
        Assert.True(peak <= (256 * MiB) + StatedOverhead, $"peak resident memory {peak / MiB} MiB > 256 MiB + {StatedOverhead / MiB} MiB ({summary.ToJsonString()})");
        Assert.True(summary["peak_accounted_bytes"]!.GetValue<long>() <= 256 * MiB);
        Assert.NotEqual("single-pass", summary["strategy"]!.GetValue<string>());

        var big = Path.Combine(_work, "big.zarr");
        // The reference is one pass (forced: with room for it, auto may still prefer spilling by cost).
        var (bigSummary, _) = await RunAsync(recipe, big, "8GiB", "--strategy", "single");
        Assert.Equal("single-pass", bigSummary["strategy"]!.GetValue<string>());
        Assert.Equal(16 + 3, bigSummary["chunks_written"]!.GetValue<long>());

        // Byte for byte: every key but the ledger's.
        var keys = CliWork.Files(big).Where(k => !k.StartsWith(".forge", StringComparison.Ordinal)).ToArray();
        Assert.Equal(keys, CliWork.Files(small).Where(k => !k.StartsWith(".forge", StringComparison.Ordinal)).ToArray());
        foreach (var key in keys)
            Assert.True(File.ReadAllBytes(Path.Combine(big, key)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(small, key))), $"{key} differs");

        var files = Enumerable.Range(0, days).Select(d => Path.Combine(inputs, $"day{d}.nc"));
        var (code, stdout, stderr) = Processes.Run(Processes.Python, [Repo.PathOf("tests", "Forge.Integration.Tests", "peers", "compare_xarray.py"), small, "time", "--", .. files], timeout: TimeSpan.FromMinutes(5));
        Assert.True(code == 0, stdout + stderr);
    }

    /// <summary>
    /// On tmpfs when there is one: the test moves about 3.5 GB through files (inputs, two stores, the spill), and
    /// tmpfs pages are not part of the process's resident memory.
    /// </summary>
    private static string WorkFolder()
    {
        if (Directory.Exists("/dev/shm"))
        {
            try
            {
                return Directory.CreateDirectory(Path.Combine("/dev/shm", "forge-membound-" + Guid.NewGuid().ToString("N")[..8])).FullName;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        return CliWork.TempDir("forge-membound-");
    }

    /// <summary>Runs forge; returns its JSON summary and the highest VmHWM polled from /proc/&lt;pid&gt;/status while it ran.</summary>
    private static async Task<(JsonNode Summary, long PolledPeak)> RunAsync(string recipe, string target, string maxMemory, params string[] extra)
    {
        // The spill store goes to the system temp folder: the test's own folder.
        var env = new Dictionary<string, string> { ["TMPDIR"] = Path.GetDirectoryName(target)! };
        using var forge = ForgeProcess.Start(["run", recipe, "--target", target, "--max-memory", maxMemory, "--progress", "json", .. extra], env);
        long polled = 0;
        var exit = forge.WaitAsync(TimeSpan.FromMinutes(5));
        while (!exit.IsCompleted)
        {
            polled = Math.Max(polled, ReadHighWaterMark(forge.Id));
            await Task.WhenAny(exit, Task.Delay(50));
        }

        Assert.True(await exit == 0, forge.Stderr);
        return (CliWork.Summary(forge.Stdout), polled);
    }

    private static long ReadHighWaterMark(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }

        return 0;
    }
}
