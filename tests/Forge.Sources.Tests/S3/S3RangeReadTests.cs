using Amazon.S3.Model;
using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.S3;

/// <summary>Range reads of s3 inputs from a moto bucket: the object's bytes, its size and ETag, a replaced object is an error.</summary>
public sealed class S3RangeReadTests(MotoFixture moto) : IClassFixture<MotoFixture>, IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private FetchOptions Options() =>
        new(Retries: 2) { RetryBaseDelay = TimeSpan.FromMilliseconds(10), S3 = new S3InputOptions(moto.Endpoint, "us-east-1", false) };

    [Fact]
    public async Task Reads_ranges_of_an_object_and_refuses_a_replaced_one()
    {
        var bucket = "forge-range-" + Guid.NewGuid().ToString("N")[..10];
        await moto.Client.PutBucketAsync(bucket);
        var data = new byte[700_001];
        new Random(3).NextBytes(data);
        await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "in/a b.nc", InputStream = new MemoryStream(data) });
        var url = $"s3://{bucket}/in/a%20b.nc";

        using var fetcher = new InputFetcher(Options(), null, new CapturingLogger(), _temp.Path);
        await using var input = await fetcher.OpenRandomAccessAsync(url);
        Assert.NotNull(input);
        Assert.Equal(data.Length, input.Length);
        Assert.NotNull(input.Validators.ETag);
        foreach (var (offset, length) in new[] { (0L, 100), (500_000L, 150_000), (699_990L, 11), (65_530L, 20) })
        {
            var buffer = new byte[length];
            await input.ReadAsync(offset, buffer);
            Assert.True(data.AsSpan((int)offset, length).SequenceEqual(buffer), $"bytes at {offset}+{length}");
        }

        Assert.True(input.BytesFetched < data.Length / 2, $"{input.BytesFetched} bytes fetched");
        Assert.Empty(_temp.AllFiles());

        var other = (byte[])data.Clone();
        other[0] ^= 1;
        await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "in/a b.nc", InputStream = new MemoryStream(other) });
        var e = await Assert.ThrowsAsync<FetchException>(async () => await input.ReadAsync(300_000, new byte[10]));
        Assert.Equal(url, e.Url);
        Assert.Contains("changed", e.Reason, StringComparison.Ordinal);
    }
}
