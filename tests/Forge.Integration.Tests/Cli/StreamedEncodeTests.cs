using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Forge.Core.Storage;
using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;
using Forge.Testing.Peers;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The stream strategy on a scaled S2 (40 daily 400×800 float32 files → blosc lz4 chunks (25, 150, 200): two
/// objects along time, the second only 15 of 25 steps filled, and edge objects padded along lat): the store it
/// writes equals, byte for byte, the one-pass and spilled stores, under an 8 GiB budget and a small one, on a local
/// folder and on S3 (moto); xarray reads it equal to open_mfdataset of the inputs.
/// </summary>
[Collection(CliMotoCollection.Name)]
public sealed class StreamedEncodeTests(MotoServerFixture moto) : IDisposable
{
    private const int Days = 40, NLat = 400, NLon = 800;

    private readonly string _work = CliWork.TempDir("forge-stream-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task StreamedStoresEqualOnePassAndSpilledStoresByteForByte()
    {
        var inputs = Path.Combine(_work, "in");
        Processes.Check(Processes.Python, CliWork.PeerScript("make_s2_scaled.py"), inputs, "--days", Days.ToString(CultureInfo.InvariantCulture), "--nlat", NLat.ToString(CultureInfo.InvariantCulture), "--nlon", NLon.ToString(CultureInfo.InvariantCulture));
        var recipe = RecipeFiles.Write(_work, "s2-stream", $$"""
            forge: 1
            id: s2-stream
            inputs:
              url: "file://{{inputs}}/day{time}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 0, end: {{Days - 1}} }
            target:
              zarr_format: 2
              chunks: { time: 25, lat: 150, lon: 200 }
              codec: { blosc: { cname: lz4, clevel: 5, shuffle: shuffle } }
            run:
              workers: 2
            """);

        var single = await RunAsync(recipe, "single.zarr", "8GiB", "single-pass", "--strategy", "single");
        var streamed = await RunAsync(recipe, "stream.zarr", "8GiB", "stream");
        var streamedSmall = await RunAsync(recipe, "stream-small.zarr", "48MiB", "stream");
        var spilled = await RunAsync(recipe, "spill.zarr", "48MiB", "spill", "--strategy", "spill");
        var keys = DataKeys(single);
        Assert.Contains("sst/1.2.3", keys); // the half-filled object along time, padded along lat
        foreach (var other in new[] { streamed, streamedSmall, spilled })
        {
            Assert.Equal(keys, DataKeys(other));
            foreach (var key in keys)
                Assert.True(File.ReadAllBytes(Path.Combine(single, key)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(other, key))), $"{other}: {key} differs from the one-pass store");
        }

        var files = Enumerable.Range(0, Days).Select(d => Path.Combine(inputs, $"day{d}.nc"));
        var (code, stdout, stderr) = Processes.Run(Processes.Python, [Repo.PathOf("tests", "Forge.Integration.Tests", "peers", "compare_xarray.py"), streamedSmall, "time", "--", .. files], timeout: TimeSpan.FromMinutes(5));
        Assert.True(code == 0, stdout + stderr);

        // S3: streamed objects are written to local scratch and uploaded when complete; the same bytes.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", MotoServerFixture.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", MotoServerFixture.SecretKey);
        var bucket = "forge-stream-" + Guid.NewGuid().ToString("N")[..12];
        var credentials = new BasicAWSCredentials(MotoServerFixture.AccessKey, MotoServerFixture.SecretKey);
        using (var client = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServerFixture.Region }))
            await client.PutBucketAsync(bucket);
        var s3Url = $"s3://{bucket}/s2.zarr";
        var s3Recipe = RecipeFiles.Write(_work, "s2-stream-s3", File.ReadAllText(recipe).Replace("  zarr_format: 2", $"  url: {s3Url}\n  zarr_format: 2\n  s3: {{ endpoint: \"{moto.Endpoint.ToString().TrimEnd('/')}\", region: us-east-1 }}", StringComparison.Ordinal));
        var toS3 = await ForgeCli.RunAsync("run", s3Recipe, "--max-memory", "48MiB", "--scratch", Path.Combine(_work, "scratch"), "--progress", "json");
        Assert.True(toS3.ExitCode == 0, $"{toS3.Stderr}\n{moto.Log}");
        Assert.Equal("stream", CliWork.Summary(toS3.Stdout)["strategy"]!.GetValue<string>());
        var s3 = StoreLocator.Open(s3Url, new S3StoreOptions { Bucket = bucket, Prefix = "s2.zarr", Endpoint = moto.Endpoint, Credentials = credentials });
        // Every chunk (attributes differ: the recipe file and its digest do).
        foreach (var key in keys.Where(k => !k.EndsWith(".zattrs", StringComparison.Ordinal) && k != ".zmetadata"))
        {
            using var value = await s3.GetAsync(new StoreKey(key));
            Assert.True(value is not null && value.Memory.Span.SequenceEqual(File.ReadAllBytes(Path.Combine(single, key))), $"s3: {key} differs from the one-pass store");
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_work, "scratch"), "forge-stream-*"));
    }

    private static string[] DataKeys(string store) => [.. CliWork.Files(store).Where(k => !k.StartsWith(".forge", StringComparison.Ordinal))];

    private async Task<string> RunAsync(string recipe, string name, string maxMemory, string strategy, params string[] extra)
    {
        var target = Path.Combine(_work, name);
        var run = await ForgeCli.RunAsync(["run", recipe, "--target", target, "--max-memory", maxMemory, "--progress", "json", .. extra]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(strategy, CliWork.Summary(run.Stdout)["strategy"]!.GetValue<string>());
        return target;
    }
}
