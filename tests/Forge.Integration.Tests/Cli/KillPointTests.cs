using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Forge.Core.Storage;
using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;
using Forge.Testing.Peers;

namespace Forge.Integration.Tests.Cli;

/// <summary>The kill-point tests need served (HTTP) inputs and moto_server at once.</summary>
[CollectionDefinition(Name)]
public sealed class KillPointCollection : ICollectionFixture<ServedInputs>, ICollectionFixture<MotoServerFixture>
{
    public const string Name = "kill points";
}

/// <summary>
/// Issue #9's acceptance: <c>forge run</c> (and a sharded run's shard and <c>forge finalize</c>) killed with SIGKILL at
/// ten points — while fetching, decoding, encoding, uploading, publishing and finalizing — then run again, gives a store
/// equal object for object (every key outside <c>.forge/</c>, byte for byte) to an uninterrupted run, on a local
/// target and on S3 (moto). The point is exact: the child stops itself right after the N-th JSON event of a kind
/// (FORGE_DEBUG_STOP_AT), the test sees it stopped and sends SIGKILL; no sleep decides anything. After the rerun no
/// temp download, spill or shard scratch folder is left in the runs' TMPDIR, no <c>*.forge-tmp</c> file in a local
/// store, no incomplete multipart upload in the bucket, and no lease.
/// </summary>
[Collection(KillPointCollection.Name)]
public sealed class KillPointTests(ServedInputs inputs, MotoServerFixture moto) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private const int Days = 16;
    private readonly string _work = CliWork.TempDir("forge-kill-");

    public void Dispose() => CliWork.Delete(_work);

    /// <summary>Where the first run is killed: the stop rule, and whether the run is sharded (the rule then applies to <see cref="KilledStep"/>).</summary>
    public sealed record KillPoint(string Name, string StopAt, string Phase, bool Sharded = false, string KilledStep = "run", bool Spill = false)
    {
        public override string ToString() => Name;
    }

    // 16 daily inputs, chunks (4, 18, 36) of a 36×72 grid: 16 objects for each of sst and anom, plus time, lat and lon.
    private const int Objects = 35;

    public static readonly TheoryData<string, string> Points = Cases();

    private static readonly Dictionary<string, KillPoint> ByName = new KillPoint[]
    {
        new("fetch-first-input", "input:1", "fetch"),
        new("fetch-middle-input", "input:8", "fetch"),
        new("decode-start", "stage=write:1", "decode"),
        new("encode-first-object", "chunk:1", "encode"),
        new("upload-early", "chunk:6", "upload"),
        new("upload-middle", "chunk:18", "upload"),
        new("upload-last-object", $"chunk:{Objects}", "upload"),
        new("publish", "stage=publish:1", "publish"),
        new("shard-upload", "chunk:5", "upload", Sharded: true, KilledStep: "shard 0/2"),
        new("finalize-publish", "stage=publish:1", "finalize", Sharded: true, KilledStep: "finalize"),
        new("spill-assemble", "stage=assemble:1", "decode", Spill: true),
    }.ToDictionary(p => p.Name);

    private static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in new[] { "local", "s3" })
            foreach (var name in new[] { "fetch-first-input", "fetch-middle-input", "decode-start", "encode-first-object", "upload-early", "upload-middle", "upload-last-object", "publish", "shard-upload", "finalize-publish", "spill-assemble" })
                data.Add(target, name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Points))]
    public async Task Killed_at_a_point_then_rerun_equals_an_uninterrupted_run(string target, string point)
    {
        var kill = ByName[point];
        bool s3 = target == "s3";
        int format = s3 ? 3 : 2;
        var folder = $"kill-{target}-{point}";
        CliWork.ServedFolder(inputs, folder, inputs.Files.DailyFiles.Take(Days));
        var end = new DateOnly(1981, 9, 1).AddDays(Days - 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        string storeUrl;
        string? bucket = null;
        var env = new Dictionary<string, string> { ["TMPDIR"] = Directory.CreateDirectory(Path.Combine(_work, "tmp")).FullName };
        string recipe;
        if (s3)
        {
            bucket = "forge-kill-" + Guid.NewGuid().ToString("N")[..12];
            using (var client = S3Client()) await client.PutBucketAsync(bucket);
            storeUrl = $"s3://{bucket}/killed.zarr";
            env["AWS_ACCESS_KEY_ID"] = MotoServerFixture.AccessKey;
            env["AWS_SECRET_ACCESS_KEY"] = MotoServerFixture.SecretKey;
            recipe = CliWork.DailyRecipe(_work, inputs, "kill-s3", folder, end, zarrFormat: format, chunks: "{ time: 4, lat: 18, lon: 36 }",
                target: $"  url: {storeUrl}\n  s3: {{ endpoint: \"{moto.Endpoint.ToString().TrimEnd('/')}\", region: us-east-1 }}\n");
        }
        else
        {
            storeUrl = Path.Combine(_work, "killed.zarr");
            recipe = CliWork.DailyRecipe(_work, inputs, "kill-local", folder, end, zarrFormat: format, chunks: "{ time: 4, lat: 18, lon: 36 }",
                target: $"  url: {storeUrl}\n");
        }

        // The uninterrupted run of the same recipe (its id and digest are in the root attributes), in-process, to a local folder.
        var reference = Path.Combine(_work, "reference.zarr");
        var one = await ForgeCli.RunAsync("run", recipe, "--target", reference, "--progress", "json");
        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.Equal(Objects, CliWork.JsonLines(one.Stdout).Count(e => e["event"]!.GetValue<string>() == "chunk"));

        string[] Run(params string[] extra) => ["run", recipe, "--workers", "2", "--progress", "json", .. kill.Spill ? ["--strategy", "spill", "--max-memory", "96KiB"] : Array.Empty<string>(), .. extra];
        string[] Finalize() => ["finalize", recipe, "--progress", "json"];

        if (!kill.Sharded)
        {
            await KillAtAsync(Run(), kill, env, format, storeUrl);
            await MustSucceedAsync(Run(), env);
        }
        else if (kill.KilledStep == "shard 0/2")
        {
            await KillAtAsync(Run("--shard", "0/2"), kill, env, format, storeUrl);
            await MustSucceedAsync(Run("--shard", "0/2"), env);
            await MustSucceedAsync(Run("--shard", "1/2"), env);
            await MustSucceedAsync(Finalize(), env);
        }
        else
        {
            await MustSucceedAsync(Run("--shard", "0/2"), env);
            await MustSucceedAsync(Run("--shard", "1/2"), env);
            await KillAtAsync(Finalize(), kill, env, format, storeUrl);
            await MustSucceedAsync(Finalize(), env);
        }

        // Running again is a no-op.
        var again = await MustSucceedAsync(kill.Sharded ? Finalize() : Run(), env);
        Assert.Equal(0, CliWork.JsonLines(again).Count(e => e["event"]!.GetValue<string>() == "chunk"));

        // Object for object, byte for byte, metadata included (it holds no timestamps).
        var expected = await ReadAllAsync(new LocalStore(reference));
        var actual = await ReadAllAsync(s3 ? OpenS3(storeUrl, bucket!) : new LocalStore(storeUrl));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, bytes) in expected)
            Assert.True(bytes.AsSpan().SequenceEqual(actual[key]), $"{point} on {target}: '{key}' differs from the uninterrupted run");

        // Nothing left behind by the killed process once the rerun is done.
        var leftovers = Directory.GetFileSystemEntries(env["TMPDIR"], "forge-*");
        Assert.True(leftovers.Length == 0, $"{point}: temp folders left: {string.Join(", ", leftovers)}");
        if (s3)
        {
            using var client = S3Client();
            var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
            var incomplete = (uploads.MultipartUploads ?? []).Select(u => u.Key).ToList();
            Assert.True(incomplete.Count == 0, $"{point}: incomplete multipart uploads: {string.Join(", ", incomplete)}");
            var keys = await StoreComparison.KeysAsync(OpenS3(storeUrl, bucket!));
            Assert.DoesNotContain(keys, k => k.StartsWith(".forge/lease", StringComparison.Ordinal));
        }
        else
        {
            var temps = Directory.GetFiles(storeUrl, "*" + LocalStore.TempSuffix, new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 });
            Assert.True(temps.Length == 0, $"{point}: temp files left in the store: {string.Join(", ", temps)}");
            Assert.False(File.Exists(Path.Combine(storeUrl, ".forge", "lease")));
            Assert.Empty(CliWork.Files(Path.Combine(storeUrl, ".forge", "leases")));
        }
    }

    /// <summary>
    /// Starts forge with <c>FORGE_DEBUG_STOP_AT</c>, waits (with a deadline) until it has stopped itself at the point,
    /// then SIGKILLs it. Before publish began, nothing may be visible to a reader.
    /// </summary>
    private async Task KillAtAsync(string[] args, KillPoint kill, Dictionary<string, string> env, int format, string storeUrl)
    {
        var withStop = new Dictionary<string, string>(env) { [Progress.DebugStopVariable] = kill.StopAt };
        using var forge = ForgeProcess.Start(args, withStop);
        bool stopped = await forge.WaitUntilStoppedAsync(Deadline);
        Assert.True(stopped, $"{kill.Name}: forge ended before its stop point {kill.StopAt}:\n{forge.Stdout}\n{forge.Stderr}");
        forge.Kill();
        var code = await forge.WaitAsync(Deadline);
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("\"event\":\"summary\"", forge.Stdout, StringComparison.Ordinal);
        if (kill.Phase is not ("publish" or "finalize") && !storeUrl.StartsWith("s3://", StringComparison.Ordinal))
        {
            var commit = Path.Combine(storeUrl, format == 2 ? ".zmetadata" : "zarr.json");
            Assert.False(File.Exists(commit), $"{kill.Name}: {commit} exists before publish");
        }
    }

    private static async Task<string> MustSucceedAsync(string[] args, Dictionary<string, string> env)
    {
        using var forge = ForgeProcess.Start(args, env);
        var code = await forge.WaitAsync(Deadline);
        Assert.True(code == 0, $"forge {string.Join(' ', args)}: exit {code}\n{forge.Stderr}");
        Assert.Equal("succeeded", CliWork.Summary(forge.Stdout)["status"]!.GetValue<string>());
        return forge.Stdout;
    }

    private AmazonS3Client S3Client() => new(new BasicAWSCredentials(MotoServerFixture.AccessKey, MotoServerFixture.SecretKey),
        new AmazonS3Config { ServiceURL = moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServerFixture.Region });

    private IStore OpenS3(string url, string bucket) => StoreLocator.Open(url, new S3StoreOptions
    {
        Bucket = bucket,
        Endpoint = moto.Endpoint,
        Credentials = new BasicAWSCredentials(MotoServerFixture.AccessKey, MotoServerFixture.SecretKey),
    });

    /// <summary>Every key outside the ledger with its bytes.</summary>
    private static async Task<Dictionary<string, byte[]>> ReadAllAsync(IStore store)
    {
        var all = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync(""))
        {
            if (key.Value.StartsWith(".forge/", StringComparison.Ordinal)) continue;
            using var value = await store.GetAsync(key);
            all[key.Value] = value!.Memory.ToArray();
        }

        return all;
    }

    private static class Progress
    {
        public const string DebugStopVariable = "FORGE_DEBUG_STOP_AT";
    }
}
