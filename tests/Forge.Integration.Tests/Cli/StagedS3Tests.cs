using Amazon.Runtime;
using Amazon.S3;
using Forge.Core.Storage;
using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;
using Forge.Testing.Peers;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// A staged sharded run on an S3 target (moto): the intermediate store lives in the bucket beside the target
/// (<c>.forge/intermediate/</c>, written and read through the same S3 store), the result equals a single-process run
/// object for object, and finalize leaves no intermediate key behind.
/// </summary>
[Collection(KillPointCollection.Name)]
public sealed class StagedS3Tests(ServedInputs inputs, MotoServerFixture moto) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private const int Days = 20;
    private readonly string _work = CliWork.TempDir("forge-staged-s3-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task Two_shards_in_two_stages_on_s3_keep_the_pieces_in_the_bucket_and_equal_a_single_process_run()
    {
        var folder = "staged-s3";
        CliWork.ServedFolder(inputs, folder, inputs.Files.DailyFiles.Take(Days));
        var end = new DateOnly(1981, 9, 1).AddDays(Days - 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var bucket = "forge-staged-" + Guid.NewGuid().ToString("N")[..12];
        using (var client = S3Client()) await client.PutBucketAsync(bucket);
        var storeUrl = $"s3://{bucket}/staged.zarr";
        var recipe = CliWork.DailyRecipe(_work, inputs, "staged-s3", folder, end, zarrFormat: 3, chunks: "{ time: 20, lat: 18, lon: 36 }",
            target: $"  url: {storeUrl}\n  s3: {{ endpoint: \"{moto.Endpoint.ToString().TrimEnd('/')}\", region: us-east-1 }}\n");
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = MotoServerFixture.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = MotoServerFixture.SecretKey,
            ["TMPDIR"] = Directory.CreateDirectory(Path.Combine(_work, "tmp")).FullName,
        };
        string[] budget = ["--strategy", "spill", "--max-memory", "200KiB", "--progress", "json"];

        var reference = Path.Combine(_work, "reference.zarr");
        var one = await ForgeCli.RunAsync(["run", recipe, "--target", reference, .. budget]);
        Assert.True(one.ExitCode == 0, one.Stderr);

        long opened = 0;
        foreach (var k in new[] { 0, 1 })
            opened += (await MustSucceedAsync(["run", recipe, "--shard", $"{k}/2", "--stage", "1", .. budget], env))["inputs_opened"]!.GetValue<long>();
        Assert.Equal(Days, opened);
        var s3 = OpenS3(storeUrl, bucket);
        var keys = await StoreComparison.KeysAsync(s3);
        Assert.Contains(keys, k => k.StartsWith(".forge/intermediate/sst/", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith(".forge/pieces/sst/", StringComparison.Ordinal));

        foreach (var k in new[] { 0, 1 })
            await MustSucceedAsync(["run", recipe, "--shard", $"{k}/2", "--stage", "2", .. budget], env);
        await MustSucceedAsync(["finalize", recipe, "--progress", "json"], env);

        keys = await StoreComparison.KeysAsync(s3);
        Assert.DoesNotContain(keys, k => k.StartsWith(".forge/intermediate/", StringComparison.Ordinal) || k.StartsWith(".forge/pieces/", StringComparison.Ordinal));
        var local = new LocalStore(reference);
        var expected = (await StoreComparison.KeysAsync(local)).Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, keys.Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var key in expected)
        {
            using var a = await local.GetAsync(new StoreKey(key));
            using var b = await s3.GetAsync(new StoreKey(key));
            Assert.True(a!.Memory.Span.SequenceEqual(b!.Memory.Span), $"'{key}' differs from the single-process run");
        }
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> MustSucceedAsync(string[] args, Dictionary<string, string> env)
    {
        using var forge = ForgeProcess.Start(args, env);
        var code = await forge.WaitAsync(Deadline);
        Assert.True(code == 0, $"forge {string.Join(' ', args)}: exit {code}\n{forge.Stderr}");
        return CliWork.Summary(forge.Stdout);
    }

    private AmazonS3Client S3Client() => new(new BasicAWSCredentials(MotoServerFixture.AccessKey, MotoServerFixture.SecretKey),
        new AmazonS3Config { ServiceURL = moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServerFixture.Region });

    private IStore OpenS3(string url, string bucket) => StoreLocator.Open(url, new S3StoreOptions
    {
        Bucket = bucket,
        Endpoint = moto.Endpoint,
        Credentials = new BasicAWSCredentials(MotoServerFixture.AccessKey, MotoServerFixture.SecretKey),
    });
}
