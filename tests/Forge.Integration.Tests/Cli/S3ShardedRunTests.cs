using Forge.Core.Storage;
using Forge.Integration.Tests.Infrastructure;
using Forge.Testing.Peers;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Sharded runs and verify on an S3 target (moto_server), as batch engines use them (docs/operations.md): four shards
/// (the conditional create of run.json and of the shard leases is S3's If-None-Match), finalize, and the store's
/// objects byte-identical to a local single-process run; verify passes, then names a chunk deleted from the bucket.
/// </summary>
[Collection(CliMotoCollection.Name)]
public sealed class S3ShardedRunTests(MotoServerFixture moto) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-s3shard-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task Four_shards_and_finalize_on_s3_equal_a_local_single_run_and_verify_names_a_deleted_chunk()
    {
        MotoBucket.ExportCredentials();
        var bucket = await MotoBucket.CreateAsync(moto, "forge-shard-");
        var s3Url = bucket.Url("sharded.zarr");
        var data = Repo.PathOf("recipes", "quickstart", "data");
        var recipe = RecipeFiles.Write(_work, "s3-sharded", $$"""
            forge: 1
            id: s3-sharded
            inputs:
              url: "{{data}}/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 1981-09-01, end: 1981-09-10, step: 1 day }
            transforms:
              - squeeze: [zlev]
            target:
              url: {{s3Url}}
              zarr_format: 3
              chunks: { time: 2, lat: 90, lon: 180 }
              codec: { zstd: { level: 1 } }
              s3: {{bucket.TargetS3}}
            """);

        for (int k = 0; k < 4; k++)
        {
            var shard = await ForgeCli.RunAsync("run", recipe, "--shard", $"{k}/4", "--progress", "none");
            Assert.True(shard.ExitCode == 0, $"shard {k}/4: {shard.Stderr}\n{moto.Log}");
        }

        var fin = await ForgeCli.RunAsync("finalize", recipe, "--progress", "none");
        Assert.True(fin.ExitCode == 0, fin.Stderr);
        var local = Path.Combine(_work, "single.zarr");
        var single = await ForgeCli.RunAsync("run", recipe, "--target", local, "--progress", "none");
        Assert.True(single.ExitCode == 0, single.Stderr);

        var s3 = bucket.Open("sharded.zarr");
        var keys = (await StoreComparison.KeysAsync(s3)).Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(CliWork.Files(local).Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)), keys);
        foreach (var key in keys)
        {
            using var stored = await s3.GetAsync(new StoreKey(key));
            Assert.True(stored!.Memory.Span.SequenceEqual(File.ReadAllBytes(Path.Combine(local, key))), $"{key} differs between S3 and the local single run");
        }

        Assert.DoesNotContain(".forge/lease", await StoreComparison.KeysAsync(s3));
        var ok = await ForgeCli.RunAsync("verify", recipe, "--sample", "2");
        Assert.True(ok.ExitCode == 0, ok.Stderr);

        await s3.DeleteAsync(new StoreKey("sst/c/3/1/0"));
        var (code, _, stderr) = await ForgeCli.RunAsync("verify", recipe);
        Assert.True(code == 1, $"exit {code}\n{stderr}");
        Assert.Contains("mismatch: sst/c/3/1/0: object sst/3.1.0 is missing from the store", stderr, StringComparison.Ordinal);
    }
}
