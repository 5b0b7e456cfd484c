using System.Diagnostics;

namespace Forge.Benchmarks;

/// <summary>
/// CPU seconds per decoded GB for each read path (process CPU time, which shared machines distort far less than
/// wall time). Run: <c>dotnet run -c Release --project tests/Forge.Benchmarks -- --cpu-cost</c>.
/// </summary>
internal static class CpuCost
{
    public static void Run()
    {
        var bench = new DecodeBenchmarks { Files = 16 };
        var bytes = 16.0 * 720 * 1440 * 2;
        foreach (var direct in new[] { false, true, false, true })
        {
            bench.DirectChunks = direct;
            bench.Setup();
            bench.OpenAndReadSst().GetAwaiter().GetResult(); // warm-up
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            const int rounds = 5;
            for (var r = 0; r < rounds; r++) bench.OpenAndReadSst().GetAwaiter().GetResult();
            wall.Stop();
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            var gb = rounds * bytes / 1e9;
            Console.WriteLine($"direct_chunks={direct,-5}  cpu {cpu / gb,6:F2} s/GB  ({gb / cpu * 1000,6:F0} MB/s per busy core)  wall {gb / wall.Elapsed.TotalSeconds * 1000,6:F0} MB/s");
        }

    }
}
