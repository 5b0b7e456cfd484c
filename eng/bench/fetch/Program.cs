// Fetch benchmark driver: downloads every URL of a list with Forge's InputFetcher and prints timings.
// Usage: FetchBench URLS_FILE CONCURRENCY WORK_DIR [REPS]   (each phase runs REPS times; the best run is printed)
//   phase "nocache": all URLs into temp files (deleted afterwards)
//   phase "cold":    all URLs through a local InputCache (download + verify + store)
//   phase "warm-verify" / "warm-size": the same URLs again, all cache hits, with and without hashing each hit
using System.Diagnostics;
using Forge.Sources;
using Microsoft.Extensions.Logging.Abstractions;

var urls = File.ReadAllLines(args[0]).Where(l => l.Length > 0).ToArray();
var concurrency = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var work = args[2];
var reps = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3;
var options = new FetchOptions(Concurrency: concurrency);

async Task<(double Seconds, long Bytes, int Hits)> RunAsync(InputCache? cache)
{
    using var fetcher = new InputFetcher(options, cache, NullLogger.Instance, Path.Combine(work, "tmp"));
    var clock = Stopwatch.StartNew();
    var results = await Task.WhenAll(urls.Select(async u =>
    {
        await using var input = await fetcher.FetchAsync(u);
        return (input.Bytes, input.FromCache);
    }));
    return (clock.Elapsed.TotalSeconds, results.Sum(r => r.Bytes), results.Count(r => r.FromCache));
}

void Report(string phase, (double Seconds, long Bytes, int Hits) r) =>
    Console.WriteLine($"forge {phase,-12} {urls.Length} inputs {r.Bytes / 1048576.0,8:0.0} MiB {r.Seconds,7:0.000} s {r.Bytes / 1048576.0 / r.Seconds,8:0.0} MiB/s  hits={r.Hits}");

async Task<(double Seconds, long Bytes, int Hits)> BestAsync(Func<int, InputCache?> cache)
{
    var runs = new List<(double Seconds, long Bytes, int Hits)>();
    for (var i = 0; i < reps; i++) runs.Add(await RunAsync(cache(i)));
    return runs.MinBy(r => r.Seconds);
}

await RunAsync(null); // warm-up (JIT, connection pool)
Report("nocache", await BestAsync(_ => null));
Report("cold", await BestAsync(i => InputCache.ForDirectory(Path.Combine(work, $"cache{i}"))));
var cacheDir = Path.Combine(work, "cache0");
Report("warm-verify", await BestAsync(_ => InputCache.ForDirectory(cacheDir, new InputCacheOptions(VerifyOnRead: true))));
Report("warm-size", await BestAsync(_ => InputCache.ForDirectory(cacheDir, new InputCacheOptions(VerifyOnRead: false))));
