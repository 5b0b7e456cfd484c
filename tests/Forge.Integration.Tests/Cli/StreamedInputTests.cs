using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Forge.Cli.Composition;
using Forge.Core.Datasets;
using Forge.Core.Execution;
using Forge.Core.Telemetry;
using Forge.Core.Zarr;
using Forge.Integration.Tests.Infrastructure;
using Forge.Recipes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Remote inputs stream through <c>forge run</c>, against an in-process Kestrel server that logs every request and
/// its Range header: the schema pass reads headers by range (no full GET before the write begins), the pipeline
/// downloads each input exactly once through a window smaller than the inputs (the summary's peak and, independently,
/// the download folder sampled at every written chunk stay within its byte bound), each file is deleted after its
/// use (the folder is empty after the run), the store equals byte for byte the one written from local copies, an
/// input changed between the schema pass and its decode is refused naming its URL, and an up-to-date rerun, the
/// shards of a sharded run and finalize download nothing they do not need.
/// </summary>
public sealed class StreamedInputTests : IDisposable
{
    private const int Inputs = 32;
    private const int Steps = 4, Lat = 60, Lon = 120;
    private readonly string _work = CliWork.TempDir("forge-stream-");

    public void Dispose() => CliWork.Delete(_work);

    /// <summary>32 classic netCDF files of 4 days × 60 × 120 float sst (about 115 KB each, more than the first range read).</summary>
    private string MakeInputs(string name = "served")
    {
        var dir = Path.Combine(_work, name);
        Directory.CreateDirectory(dir);
        for (int k = 0; k < Inputs; k++)
        {
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"netcdf d{k} {{\ndimensions:\n\ttime = {Steps} ;\n\tlat = {Lat} ;\n\tlon = {Lon} ;\nvariables:");
            sb.AppendLine("\tdouble time(time) ;\n\t\ttime:units = \"days since 2000-01-01\" ;\n\tfloat lat(lat) ;\n\tfloat lon(lon) ;");
            sb.AppendLine("\tfloat sst(time, lat, lon) ;\n\t\tsst:units = \"K\" ;\n\t\tsst:_FillValue = -999.f ;");
            sb.AppendLine("data:");
            sb.AppendLine("\ttime = " + string.Join(", ", Enumerable.Range(k * Steps, Steps)) + " ;");
            sb.AppendLine("\tlat = " + string.Join(", ", Enumerable.Range(0, Lat).Select(i => (-59 + (2 * i)).ToString(CultureInfo.InvariantCulture))) + " ;");
            sb.AppendLine("\tlon = " + string.Join(", ", Enumerable.Range(0, Lon).Select(i => ((3 * i) + 1).ToString(CultureInfo.InvariantCulture))) + " ;");
            sb.Append("\tsst = ");
            sb.AppendJoin(", ", Enumerable.Range(0, Steps * Lat * Lon).Select(i => ((k * 7919 + i * 31) % 40000 / 100.0).ToString("0.00", CultureInfo.InvariantCulture)));
            sb.AppendLine(" ;\n}");
            var cdl = Path.Combine(_work, $"d{k}.cdl");
            File.WriteAllText(cdl, sb.ToString());
            Processes.Check("ncgen", "-b", "-k", "classic", "-o", Path.Combine(dir, $"d{k}.nc"), cdl);
        }

        return dir;
    }

    private string Recipe(string sub, string urlBase, int concurrency = 4, int inputs = Inputs) => RecipeFiles.Write(Path.Combine(_work, sub), "streamed", $$"""
        forge: 1
        id: streamed
        inputs:
          url: "{{urlBase}}/d{time}.nc"
          concat:
            dim: time
            keys:
              list: [{{string.Join(", ", Enumerable.Range(0, inputs))}}]
          format: netcdf3
          fetch: { retries: 1, timeout: 20s, concurrency: {{concurrency}} }
        target:
          zarr_format: 2
          chunks: { time: 8, lat: 30, lon: 60 }
        """);

    private static List<(string Method, string Path, string Range)> Downloads(IEnumerable<(string Method, string Path, string Range)> log) =>
        [.. log.Where(r => r.Method == "GET" && r.Range.Length == 0)];

    [Fact]
    public async Task A_remote_run_reads_headers_by_range_then_downloads_each_input_once_through_a_bounded_window()
    {
        var dir = MakeInputs();
        long size = new FileInfo(Path.Combine(dir, "d0.nc")).Length;
        Assert.True(size > 100_000, $"{size} bytes");
        await using var server = await StaticServer.StartAsync(dir);
        var recipe = RecipeLoader.LoadRecipe(Recipe("remote", server.BaseUrl));
        var overrides = new RunOverrides(Path.Combine(_work, "remote.zarr"), null, null, null, null, false, false);
        // A window of 3.5 inputs' bytes (the count bound, 6, is not the one that binds): well under the 32 inputs.
        long windowBytes = (size * 7) / 2;
        var request = RecipeMapping.ToRequest(recipe, overrides) with { InputWindowInputs = 6, InputWindowBytes = windowBytes };
        var downloads = Path.Combine(_work, "downloads");
        Directory.CreateDirectory(downloads);
        var sink = new SamplingSink(downloads, server);
        using var fetcher = FetcherFactory.Create(recipe, overrides, NullLogger.Instance, downloads);
        var runner = new RecipeRunner(fetcher, Readers.CreateOpener(request.MaxMemory), sink) { StreamInputs = true };
        var store = StoreFactory.Open(overrides.Target!, null);
        var ledger = new StoreRunLedger(store);
        RunSummary summary;
        await using (var prepared = await runner.PrepareAsync(request, CancellationToken.None, ledger))
        {
            Assert.Equal(Inputs, prepared.Streamed.Count);
            Assert.Empty(prepared.Files);
            var writer = new ZarrTargetWriter(store, ZarrFormat.V2, a => RecipeMapping.Codecs(recipe, a));
            summary = await runner.ExecuteAsync(prepared, writer, ledger, CancellationToken.None);
        }

        // The schema pass sent range requests only: not one whole file was downloaded before the write began.
        Assert.NotNull(sink.AtWrite);
        Assert.NotEmpty(sink.AtWrite!);
        Assert.Empty(Downloads(sink.AtWrite!));
        Assert.All(sink.AtWrite!, r => Assert.StartsWith("bytes=", r.Range, StringComparison.Ordinal));
        // Then each input was downloaded exactly once (single pass).
        var gets = Downloads(server.RequestsWithRanges);
        Assert.Equal(Enumerable.Range(0, Inputs).Select(k => $"/d{k}.nc").Order(StringComparer.Ordinal), gets.Select(g => g.Path).Order(StringComparer.Ordinal));
        Assert.Equal(Inputs, summary.InputDownloads);
        Assert.Equal(Inputs, summary.InputsReadByRange);
        // The disk the inputs took stayed within the window: the run's own count and the folder sampled at each chunk.
        Assert.InRange(summary.PeakInputDiskBytes, size, windowBytes);
        Assert.True(sink.Samples > 0);
        Assert.InRange(sink.PeakFolderBytes, 0, windowBytes);
        Assert.True(sink.PeakFolderBytes < Inputs * size / 4, $"{sink.PeakFolderBytes} bytes at once");
        // Every download was deleted after its use.
        Assert.Empty(Directory.GetFiles(downloads, "*", SearchOption.AllDirectories));

        // The same recipe over local copies writes the same bytes.
        var local = await ForgeCli.RunAsync("run", Recipe("local", dir), "--target", Path.Combine(_work, "local.zarr"), "--progress", "none");
        Assert.True(local.ExitCode == 0, local.Stderr);
        AssertSameObjects(Path.Combine(_work, "local.zarr"), Path.Combine(_work, "remote.zarr"));
    }

    [Fact]
    public async Task An_input_changed_between_the_schema_pass_and_its_decode_is_refused_naming_its_url()
    {
        var dir = MakeInputs();
        await using var server = await StaticServer.StartAsync(dir);
        var recipe = RecipeLoader.LoadRecipe(Recipe("remote", server.BaseUrl, concurrency: 1));
        var target = Path.Combine(_work, "changed.zarr");
        var overrides = new RunOverrides(target, null, null, null, null, false, false);
        var request = RecipeMapping.ToRequest(recipe, overrides);
        var downloads = Path.Combine(_work, "downloads");
        Directory.CreateDirectory(downloads);
        var changed = Path.Combine(dir, "d20.nc");
        // Between the schema pass and the data pass, d20.nc is replaced by another file of the same size (d21's bytes).
        var sink = new SamplingSink(downloads, server)
        {
            OnWrite = () =>
            {
                File.Copy(Path.Combine(dir, "d21.nc"), changed, overwrite: true);
                File.SetLastWriteTimeUtc(changed, DateTime.UtcNow.AddHours(1));
            },
        };
        using var fetcher = FetcherFactory.Create(recipe, overrides, NullLogger.Instance, downloads);
        var runner = new RecipeRunner(fetcher, Readers.CreateOpener(request.MaxMemory), sink) { StreamInputs = true };
        var store = StoreFactory.Open(target, null);
        var ledger = new StoreRunLedger(store);
        await using (var prepared = await runner.PrepareAsync(request, CancellationToken.None, ledger))
        {
            var writer = new ZarrTargetWriter(store, ZarrFormat.V2, a => RecipeMapping.Codecs(recipe, a));
            var error = await Assert.ThrowsAsync<DataException>(() => runner.ExecuteAsync(prepared, writer, ledger, CancellationToken.None));
            Assert.StartsWith($"{server.BaseUrl}/d20.nc: changed at the source since the run read its header", error.Message, StringComparison.Ordinal);
        }

        // Nothing published, nothing left in the download folder.
        Assert.False(File.Exists(Path.Combine(target, ".zmetadata")));
        Assert.False(File.Exists(Path.Combine(target, ".forge", "complete")));
        Assert.Empty(Directory.GetFiles(downloads, "*", SearchOption.AllDirectories));

        // Through the command line: a non-zero exit and the URL named; a rerun (the store now says the input changed)
        // is refused until --overwrite.
        var cli = await ForgeCli.RunAsync("run", Recipe("cli", server.BaseUrl), "--target", target, "--progress", "none");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains($"{server.BaseUrl}/d20.nc", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_summary_reports_window_and_downloads_and_reruns_shards_and_finalize_download_only_what_they_need()
    {
        var dir = MakeInputs();
        await using var server = await StaticServer.StartAsync(dir);
        long size = new FileInfo(Path.Combine(dir, "d0.nc")).Length;
        var recipe = Recipe("cli", server.BaseUrl, concurrency: 2);
        var target = Path.Combine(_work, "cli.zarr");
        var run = await ForgeCli.RunAsync("run", recipe, "--target", target, "--progress", "json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var summary = CliWork.Summary(run.Stdout);
        Assert.Equal(Inputs, summary["inputs_read_by_range"]!.GetValue<int>());
        Assert.Equal(Inputs, summary["input_downloads"]!.GetValue<long>());
        // Default window: two inputs per concurrent fetch (concurrency 2 → 4 inputs).
        Assert.InRange(summary["peak_input_disk_bytes"]!.GetValue<long>(), size, 4 * size);
        Assert.Equal(Inputs, Downloads(server.RequestsWithRanges).Count);

        // An up-to-date rerun downloads nothing.
        int before = server.RequestsWithRanges.Count;
        var again = await ForgeCli.RunAsync("run", recipe, "--target", target, "--progress", "json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.True(CliWork.Summary(again.Stdout)["input_downloads"]!.GetValue<long>() == 0, again.Stdout);
        Assert.Empty(Downloads(server.RequestsWithRanges.Skip(before)));

        // Two shards split the objects in concat-major order: shard 1 holds the second half of the time chunks and
        // downloads only the inputs they span (shard 0 holds the first half and the time coordinate's one chunk, which
        // spans every input); finalize downloads nothing.
        var sharded = Path.Combine(_work, "sharded.zarr");
        var fetched = new List<string>[2];
        for (int k = 0; k < 2; k++)
        {
            before = server.RequestsWithRanges.Count;
            var shard = await ForgeCli.RunAsync("run", recipe, "--target", sharded, "--shard", $"{k}/2", "--progress", "json");
            Assert.True(shard.ExitCode == 0, shard.Stderr);
            fetched[k] = [.. Downloads(server.RequestsWithRanges.Skip(before)).Select(g => g.Path)];
            Assert.Equal(fetched[k].Count, CliWork.Summary(shard.Stdout)["input_downloads"]!.GetValue<long>());
            Assert.Equal(fetched[k].Count, fetched[k].Distinct(StringComparer.Ordinal).Count());
        }

        Assert.Equal(Enumerable.Range(Inputs / 2, Inputs / 2).Select(k => $"/d{k}.nc").Order(StringComparer.Ordinal), fetched[1].Order(StringComparer.Ordinal));
        Assert.Subset(fetched[0].ToHashSet(StringComparer.Ordinal), Enumerable.Range(0, Inputs / 2).Select(k => $"/d{k}.nc").ToHashSet(StringComparer.Ordinal));
        before = server.RequestsWithRanges.Count;
        var fin = await ForgeCli.RunAsync("finalize", recipe, "--target", sharded, "--progress", "none");
        Assert.True(fin.ExitCode == 0, fin.Stderr);
        Assert.Empty(Downloads(server.RequestsWithRanges.Skip(before)));
        AssertSameObjects(target, sharded);
    }

    [Fact]
    public async Task Several_passes_fetch_their_inputs_again_unless_the_cache_keeps_them()
    {
        var dir = MakeInputs();
        await using var server = await StaticServer.StartAsync(dir);
        var recipe = Recipe("passes", server.BaseUrl);
        var local = await ForgeCli.RunAsync("run", Recipe("local", dir), "--target", Path.Combine(_work, "local.zarr"), "--progress", "none");
        Assert.True(local.ExitCode == 0, local.Stderr);

        // 4 passes over 32 inputs with a window of 8: every pass downloads its inputs again (pass 1 keeps the one the
        // arrays without time read first).
        string[] passes = ["--max-memory", "256KiB", "--strategy", "passes", "--progress", "json"];
        var run = await ForgeCli.RunAsync(["run", recipe, "--target", Path.Combine(_work, "passes.zarr"), .. passes]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var summary = CliWork.Summary(run.Stdout);
        Assert.Equal(4, summary["passes"]!.GetValue<int>());
        Assert.Equal(4 * Inputs, summary["input_downloads"]!.GetValue<long>());
        Assert.Equal(4 * Inputs, Downloads(server.RequestsWithRanges).Count);
        AssertSameObjects(Path.Combine(_work, "local.zarr"), Path.Combine(_work, "passes.zarr"));

        // With an input cache the later passes are cache hits: one download per input, and the cache keeps them all.
        int before = server.RequestsWithRanges.Count;
        var cache = Path.Combine(_work, "cache");
        var cached = await ForgeCli.RunAsync(["run", recipe, "--target", Path.Combine(_work, "cached.zarr"), "--cache", cache, .. passes]);
        Assert.True(cached.ExitCode == 0, cached.Stderr);
        Assert.Equal(Inputs, CliWork.Summary(cached.Stdout)["input_downloads"]!.GetValue<long>());
        Assert.Equal(Inputs, Downloads(server.RequestsWithRanges.Skip(before)).Count);
        Assert.Equal(Inputs, Directory.GetFiles(cache, "d*.nc", SearchOption.AllDirectories).Length);
        AssertSameObjects(Path.Combine(_work, "local.zarr"), Path.Combine(_work, "cached.zarr"));
    }

    /// <summary>Every file of every array (metadata and objects) is byte-identical; root metadata names the inputs' URLs and is left out.</summary>
    private static void AssertSameObjects(string expected, string actual)
    {
        static Dictionary<string, string> ArrayFiles(string root) => Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Rel: Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Where(f => f.Rel.Contains('/', StringComparison.Ordinal) && !f.Rel.StartsWith(".forge/", StringComparison.Ordinal))
            .ToDictionary(f => f.Rel, f => f.Full, StringComparer.Ordinal);
        var a = ArrayFiles(expected);
        var b = ArrayFiles(actual);
        Assert.True(a.Count > Inputs, $"{a.Count} files");
        Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
        foreach (var (rel, path) in a) Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(b[rel])), $"{rel} differs");
    }

    /// <summary>Snapshots the server's log when the write begins and samples the download folder at every written chunk.</summary>
    private sealed class SamplingSink(string folder, StaticServer server) : IProgressSink
    {
        private long _peak;
        private int _samples;

        public Action? OnWrite { get; init; }

        public List<(string Method, string Path, string Range)>? AtWrite { get; private set; }

        public long PeakFolderBytes => Interlocked.Read(ref _peak);

        public int Samples => Volatile.Read(ref _samples);

        public void Stage(string stage, string detail)
        {
            if (stage != "write" || AtWrite is not null) return;
            AtWrite = [.. server.RequestsWithRanges];
            OnWrite?.Invoke();
        }

        public void InputFetched(string url, long bytes, bool fromCache, int retries)
        {
        }

        public void ChunkWritten(string array, string key, long bytes)
        {
            long held = 0;
            foreach (var f in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            {
                try { held += new FileInfo(f).Length; } catch (IOException) { }
            }

            Interlocked.Increment(ref _samples);
            long peak;
            while (held > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, held, peak) != peak)
            {
            }
        }

        public void Warning(string message)
        {
        }
    }
}
