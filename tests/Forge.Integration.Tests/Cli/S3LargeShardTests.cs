using System.Globalization;
using Forge.Core.Storage;
using Forge.Integration.Tests.Hostile;
using Forge.Integration.Tests.Infrastructure;
using Forge.Testing.Peers;
using Xunit.Abstractions;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// A shard larger than the memory budget written to S3 (issue #8 item 4): the real program writes a Zarr v3 store
/// whose one shard (32 × 1000 × 2000 float32, no compression: 256 MB) is far larger than --max-memory 80MiB plus
/// the stated overhead, to moto_server. The shard is assembled on scratch and uploaded part by part, so the peak
/// resident memory (VmHWM from /proc) stays within the budget plus the overhead docs/engine.md states; the bucket
/// holds, byte for byte, what the same run writes to a local folder, and zarrita reads values equal to the inputs.
/// </summary>
[Collection(CliMotoCollection.Name)]
public sealed class S3LargeShardTests(MotoServerFixture moto, ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1L << 20;

    /// <summary>The fixed overhead above run.max_memory that docs/engine.md states.</summary>
    private const long StatedOverhead = 160 * MiB;

    private const long Budget = 80 * MiB;

    private readonly string _work = CliWork.TempDir("forge-s3shard-big-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task AShardLargerThanTheBudgetIsUploadedInPartsWithinTheBudgetAndEqualsTheLocalRun()
    {
        const int days = 32, nlat = 1000, nlon = 2000;
        var inputs = Path.Combine(_work, "in");
        Processes.Check(Processes.Python, CliWork.PeerScript("make_s2_scaled.py"), inputs, "--days", days.ToString(CultureInfo.InvariantCulture), "--nlat", nlat.ToString(CultureInfo.InvariantCulture), "--nlon", nlon.ToString(CultureInfo.InvariantCulture));
        long shardBytes = (long)days * nlat * nlon * 4;
        Assert.True(shardBytes > Budget + StatedOverhead, "holding the shard whole must break the bound");

        var bucket = await MotoBucket.CreateAsync(moto, "forge-bigshard-");
        var s3Url = bucket.Url("big.zarr");
        // Inner chunks of one day (8 MB, complete after one input), one shard of all days.
        var recipe = RecipeFiles.Write(_work, "s3-big-shard", $$"""
            forge: 1
            id: s3-big-shard
            inputs:
              url: "file://{{inputs}}/day{time}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 0, end: {{days - 1}} }
            target:
              url: {{s3Url}}
              zarr_format: 3
              chunks: { time: 1, lat: {{nlat}}, lon: {{nlon}} }
              shards: { time: {{days}} }
              codec: none
              s3: {{bucket.TargetS3}}
            run:
              workers: 2
            """);

        var env = new Dictionary<string, string>(MotoBucket.CredentialVariables)
        {
            ["TMPDIR"] = _work, // scratch (the shard being assembled) in the test's folder
        };
        var toS3 = await MeasuredForge.RunAsync(["run", recipe, "--max-memory", "80MiB", "--progress", "json"], env, TimeSpan.FromMinutes(10));
        Assert.True(toS3.ExitCode == 0, $"{toS3.Stderr}\n{moto.Log}");
        var summary = CliWork.Summary(toS3.Stdout);
        long peak = Math.Max(summary["peak_rss_bytes"]!.GetValue<long>(), toS3.PeakRssKiB * 1024);
        output.WriteLine($"peak resident memory {peak / MiB} MiB, accounted {summary["peak_accounted_bytes"]!.GetValue<long>() / MiB} MiB, shard {shardBytes / MiB} MiB, budget {Budget / MiB} MiB");
        Assert.True(peak <= Budget + StatedOverhead, $"peak resident memory {peak / MiB} MiB > {Budget / MiB} MiB + {StatedOverhead / MiB} MiB ({summary.ToJsonString()})");
        Assert.True(summary["peak_accounted_bytes"]!.GetValue<long>() <= Budget, summary.ToJsonString());
        Assert.True(summary["shard_scratch_bytes"]!.GetValue<long>() >= shardBytes, summary.ToJsonString());

        var local = Path.Combine(_work, "local.zarr");
        var toLocal = await MeasuredForge.RunAsync(["run", recipe, "--target", local, "--max-memory", "80MiB", "--progress", "none"], env, TimeSpan.FromMinutes(10));
        Assert.True(toLocal.ExitCode == 0, toLocal.Stderr);
        output.WriteLine($"the same run to a local folder: peak resident memory {toLocal.PeakRssMiB} MiB");

        var s3 = bucket.Open("big.zarr");
        var keys = (await StoreComparison.KeysAsync(s3)).Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(CliWork.Files(local).Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)), keys);
        Assert.Contains("sst/c/0/0/0", keys);
        foreach (var key in keys)
        {
            using var stored = await s3.GetAsync(new StoreKey(key));
            Assert.True(stored!.Memory.Span.SequenceEqual(File.ReadAllBytes(Path.Combine(local, key))), $"{key} differs between S3 and the local run");
        }

        Assert.Equal(shardBytes + (days * 16) + 4, new FileInfo(Path.Combine(local, "sst", "c", "0", "0", "0")).Length); // inner chunks, then the index and its CRC-32C
        using (var client = bucket.Client())
        {
            Assert.Contains('-', (await client.GetObjectMetadataAsync(bucket.Name, "big.zarr/sst/c/0/0/0")).ETag); // a multipart upload
            Assert.Empty((await client.ListMultipartUploadsAsync(bucket.Name)).MultipartUploads ?? []);
        }

        var expected = Path.Combine(_work, "expected");
        var files = Enumerable.Range(0, days).Select(d => Path.Combine(inputs, $"day{d}.nc"));
        Processes.Check(Processes.Python, [Repo.PathOf("tests", "Forge.Integration.Tests", "peers", "raw_manifest.py"), expected, "time", "--", .. files]);
        Assert.StartsWith("ok", Zarrita.Read("v3", local, Path.Combine(expected, "manifest.json")), StringComparison.Ordinal);
    }
}
