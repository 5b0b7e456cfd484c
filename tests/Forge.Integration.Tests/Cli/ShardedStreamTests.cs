using System.Globalization;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Shards larger than the memory budget (issue #8 item 4): the real program writes a Zarr v3 store whose shards
/// (24 × 400 × 800 float32, 29 MiB) do not fit in --max-memory 24MiB. They are assembled inner chunk by inner chunk
/// (index last); zarrita reads values equal to the inputs, and the store equals byte for byte the one written with
/// a budget that holds whole shards.
/// </summary>
public sealed class ShardedStreamTests : IDisposable
{
    private const long MiB = 1L << 20;
    private readonly string _work = CliWork.TempDir("forge-shardstream-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task AShardLargerThanTheBudgetIsWrittenAndEqualsTheWholeShardStore()
    {
        const int days = 24, nlat = 400, nlon = 800;
        var inputs = Path.Combine(_work, "in");
        Processes.Check(Processes.Python, CliWork.PeerScript("make_s2_scaled.py"), inputs, "--days", days.ToString(CultureInfo.InvariantCulture), "--nlat", nlat.ToString(CultureInfo.InvariantCulture), "--nlon", nlon.ToString(CultureInfo.InvariantCulture));
        long shardBytes = (long)days * nlat * nlon * 4;
        Assert.True(shardBytes > 24 * MiB, "the shard must be larger than the budget");
        var recipe = RecipeFiles.Write(_work, "sharded-stream", $$"""
            forge: 1
            id: sharded-stream
            inputs:
              url: "file://{{inputs}}/day{time}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 0, end: {{days - 1}} }
            target:
              zarr_format: 3
              chunks: { time: {{days}}, lat: 100, lon: 200 }
              shards: { lat: {{nlat}}, lon: {{nlon}} }
              codec: { gzip: { level: 1 } }
            run:
              workers: 2
            """);

        var small = Path.Combine(_work, "small.zarr");
        var summary = await RunAsync(recipe, small, "24MiB");
        Assert.True(summary["peak_accounted_bytes"]!.GetValue<long>() <= 24 * MiB, summary.ToJsonString());
        Assert.True(summary["shard_scratch_bytes"]!.GetValue<long>() > 0, summary.ToJsonString());
        var big = Path.Combine(_work, "big.zarr");
        await RunAsync(recipe, big, "2GiB");

        var keys = CliWork.Files(big).Where(k => !k.StartsWith(".forge", StringComparison.Ordinal)).ToArray();
        Assert.Contains("sst/c/0/0/0", keys);
        Assert.Equal(keys, CliWork.Files(small).Where(k => !k.StartsWith(".forge", StringComparison.Ordinal)).ToArray());
        foreach (var key in keys)
            Assert.True(File.ReadAllBytes(Path.Combine(big, key)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(small, key))), $"{key} differs");

        var expected = Path.Combine(_work, "expected");
        var files = Enumerable.Range(0, days).Select(d => Path.Combine(inputs, $"day{d}.nc"));
        Processes.Check(Processes.Python, [Repo.PathOf("tests", "Forge.Integration.Tests", "peers", "raw_manifest.py"), expected, "time", "--", .. files]);
        Assert.StartsWith("ok", Zarrita.Read("v3", small, Path.Combine(expected, "manifest.json")), StringComparison.Ordinal);
    }

    private async Task<System.Text.Json.Nodes.JsonNode> RunAsync(string recipe, string target, string maxMemory)
    {
        // Scratch (the shards' encoded inner chunks) goes to the system temp folder: the test's own folder.
        var env = new Dictionary<string, string> { ["TMPDIR"] = _work };
        using var forge = ForgeProcess.Start(["run", recipe, "--target", target, "--max-memory", maxMemory, "--progress", "json"], env);
        Assert.True(await forge.WaitAsync(TimeSpan.FromMinutes(5)) == 0, forge.Stderr);
        return CliWork.Summary(forge.Stdout);
    }
}
