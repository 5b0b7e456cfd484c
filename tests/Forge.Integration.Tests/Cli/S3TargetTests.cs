using Forge.Core.Storage;
using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;
using Forge.Testing.Peers;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The same recipe written to a local folder and to <c>s3://bucket/prefix</c> on moto_server: equal array values
/// (read back with Forge's ZarrGroupReader over LocalStore and S3Store) and the same object keys.
/// Credentials come from the standard AWS environment variables, as for a user.
/// </summary>
[Collection(CliMotoCollection.Name)]
public sealed class S3TargetTests(MotoServerFixture moto) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-s3-");

    public void Dispose() => CliWork.Delete(_work);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task S3_target_equals_the_local_target(int zarrFormat)
    {
        MotoBucket.ExportCredentials();
        var bucket = await MotoBucket.CreateAsync(moto, "forge-cli-");
        var prefix = $"stores/quick-v{zarrFormat}.zarr";
        var s3Url = bucket.Url(prefix);
        var endpoint = moto.Endpoint.ToString().TrimEnd('/');
        var data = Repo.PathOf("recipes", "quickstart", "data");
        var recipe = RecipeFiles.Write(_work, $"quick-s3-v{zarrFormat}", $$"""
            forge: 1
            id: quick-s3
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
              zarr_format: {{zarrFormat}}
              chunks: { time: 4, lat: 90, lon: 180 }
              codec: { zstd: { level: 1 } }
              s3: {{bucket.TargetS3}}
            """);

        var toS3 = await ForgeCli.RunAsync("run", recipe, "--progress", "json");
        Assert.True(toS3.ExitCode == 0, $"{toS3.Stderr}\n{moto.Log}");
        Assert.Equal(s3Url, CliWork.Summary(toS3.Stdout)["target"]!.GetValue<string>());
        var local = Path.Combine(_work, "local.zarr");
        var toLocal = await ForgeCli.RunAsync("run", recipe, "--target", local, "--progress", "none");
        Assert.True(toLocal.ExitCode == 0, toLocal.Stderr);

        var s3 = bucket.Open(prefix);
        var localStore = StoreLocator.Open(local);
        await StoreComparison.AssertSameArraysAsync(localStore, s3);

        var s3Keys = await StoreComparison.KeysAsync(s3);
        Assert.Equal(CliWork.Files(local), s3Keys);
        Assert.Contains(zarrFormat == 2 ? ".zmetadata" : "zarr.json", s3Keys);
        Assert.Contains(zarrFormat == 2 ? "sst/2.1.1" : "sst/c/2/1/1", s3Keys);

        // inspect reads the S3 store; without target.s3 the endpoint comes from AWS_ENDPOINT_URL, as for the AWS CLI.
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", endpoint);
        try
        {
            var inspect = await ForgeCli.RunAsync("inspect", s3Url);
            Assert.True(inspect.ExitCode == 0, inspect.Stderr);
            Assert.Contains($"(Zarr v{zarrFormat}, consolidated)", inspect.Stdout, StringComparison.Ordinal);
            Assert.Contains("  sst int16 (time, lat, lon) shape (10, 180, 360) chunks (4, 90, 180)", inspect.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", null);
        }

        // A second run against the S3 target is up to date.
        var again = await ForgeCli.RunAsync("run", recipe, "--progress", "json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(0, CliWork.Summary(again.Stdout)["chunks_written"]!.GetValue<long>());
    }

    [Fact]
    public async Task Missing_bucket_is_exit_1_naming_the_bucket()
    {
        MotoBucket.ExportCredentials();
        var bucket = "forge-nobucket-" + Guid.NewGuid().ToString("N")[..8];
        var (code, _, stderr) = await ForgeCli.RunAsync("run", Repo.PathOf("recipes", "quickstart"), "--target", $"s3://{bucket}/x.zarr", "--progress", "none");
        Assert.True(code == 1, $"exit {code}\n{stderr}");
        Assert.Contains(bucket, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(MotoServerFixture.SecretKey + "\n", stderr, StringComparison.Ordinal);
    }
}
