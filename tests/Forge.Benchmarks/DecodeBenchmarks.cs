using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Forge.Formats.NetCdf;

namespace Forge.Benchmarks;

/// <summary>
/// Decode throughput of OISST-like daily files (int16 sst 720×1440, zlib level 1 + shuffle, one chunk per day):
/// netCDF-C under the process-wide lock vs the HDF5 direct-chunk path, with as many concurrent readers as cores
/// (what the run pipeline does). Each iteration opens, reads and closes every file, so netCDF-C's chunk cache
/// cannot serve repeats. MB/s = <see cref="Files"/> × 2,073,600 B / mean time.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private const int Lat = 720;
    private const int Lon = 1440;
    private string _directory = string.Empty;
    private string[] _paths = [];
    private NetCdfReadOptions _options = NetCdfReadOptions.Default;
    private byte[][] _buffers = [];

    [Params(16)]
    public int Files { get; set; }

    [Params(false, true)]
    public bool DirectChunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "forge-bench-oisst");
        Directory.CreateDirectory(_directory);
        _paths = Enumerable.Range(0, Files).Select(i => Path.Combine(_directory, $"oisst-{i:D3}.nc")).ToArray();
        var script = Path.Combine(AppContext.BaseDirectory, "data", "make_oisst.py");
        Parallel.For(0, Files, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            if (File.Exists(_paths[i])) return;
            using var p = Process.Start("/usr/bin/python3", [script, _paths[i] + ".tmp", Lat.ToString(), Lon.ToString(), i.ToString()])!;
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"make_oisst.py failed for {_paths[i]}");
            File.Move(_paths[i] + ".tmp", _paths[i]);
        });
        _options = new NetCdfReadOptions(DirectChunks: DirectChunks);
        _buffers = _paths.Select(_ => new byte[Lat * Lon * 2]).ToArray();
    }

    /// <summary>Opens every file and reads its <c>sst</c>, <see cref="Environment.ProcessorCount"/> files at a time.</summary>
    [Benchmark]
    public Task OpenAndReadSst() => Parallel.ForAsync(0, Files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (i, ct) =>
    {
        await using var reader = NetCdfDatasetReader.Open(_paths[i], _options);
        await reader.ReadAsync("sst", new long[] { 0, 0, 0, 0 }, new long[] { 1, 1, Lat, Lon }, _buffers[i], ct);
    });

    /// <summary>Header cost alone (sequential), to separate it from decode.</summary>
    [Benchmark]
    public void OpenOnly()
    {
        foreach (var path in _paths)
            NetCdfDatasetReader.Open(path, _options).DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
