using System.Security.Cryptography;
using Amazon.S3.Model;
using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.S3;

/// <summary>s3 inputs read from a moto bucket, and the input cache kept in a bucket.</summary>
public sealed class S3FetchTests(MotoFixture moto) : IClassFixture<MotoFixture>, IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(string Bucket, Dictionary<string, string> Hashes)> SeedAsync(int count, bool publicRead = false)
    {
        var bucket = "forge-" + Guid.NewGuid().ToString("N")[..12];
        await moto.Client.PutBucketAsync(bucket);
        var hashes = new Dictionary<string, string>();
        for (var i = 0; i < count; i++)
        {
            var data = new byte[30_000 + i * 150_000];
            new Random(i).NextBytes(data);
            var key = $"oisst/day {i}.nc";
            await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data), CannedACL = publicRead ? Amazon.S3.S3CannedACL.PublicRead : Amazon.S3.S3CannedACL.Private });
            hashes[$"s3://{bucket}/oisst/day%20{i}.nc"] = Convert.ToHexStringLower(SHA256.HashData(data));
        }

        return (bucket, hashes);
    }

    private FetchOptions Options(bool anonymous = false) =>
        new(Retries: 2) { RetryBaseDelay = TimeSpan.FromMilliseconds(10), S3 = new S3InputOptions(moto.Endpoint, "us-east-1", anonymous) };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadsInputsFromABucket(bool anonymous)
    {
        var (_, hashes) = await SeedAsync(3, publicRead: anonymous);
        using var fetcher = new InputFetcher(Options(anonymous), null, new CapturingLogger(), _temp.Path);

        foreach (var (url, sha) in hashes)
        {
            await using var input = await fetcher.FetchAsync(url);
            Assert.Equal(sha, Sha.OfFile(input.LocalPath));
            Assert.Equal(url, input.Url);
            Assert.Equal(0, input.Retries);
        }

        Assert.Empty(_temp.AllFiles());
    }

    [Fact]
    public async Task KeepsTheCacheInABucket()
    {
        var (_, hashes) = await SeedAsync(2);
        var cacheBucket = "forge-cache-" + Guid.NewGuid().ToString("N")[..8];
        await moto.Client.PutBucketAsync(cacheBucket);
        var cache = new InputCache(new S3TestStore(moto.Client, cacheBucket, "inputs"));
        using var fetcher = new InputFetcher(Options(), cache, new CapturingLogger(), _temp.Path);
        var url = hashes.Keys.Last();

        var first = await fetcher.FetchAsync(url);
        await first.DisposeAsync();
        var listed = await moto.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = cacheBucket });
        var entry = InputCache.EntryKey(url).Value;
        Assert.Contains(listed.S3Objects, o => o.Key == "inputs/" + entry);
        Assert.Contains(listed.S3Objects, o => o.Key.EndsWith("/.entry.json", StringComparison.Ordinal));

        // Delete the source object: the second fetch must come from the cache bucket alone.
        await moto.Client.DeleteObjectAsync(url.Split('/')[2], Uri.UnescapeDataString(url.Split('/', 4)[3]));
        using var offline = new InputFetcher(Options() with { Offline = true }, cache, new CapturingLogger(), _temp.Path);
        await using var hit = await offline.FetchAsync(url);
        Assert.True(hit.FromCache);
        Assert.Equal(hashes[url], Sha.OfFile(hit.LocalPath));

        // Corrupt the cached object: it is detected, deleted, and (offline) reported missing.
        await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = cacheBucket, Key = "inputs/" + entry, ContentBody = "garbage" });
        var error = await Assert.ThrowsAsync<FetchException>(async () => await offline.FetchAsync(url));
        Assert.Contains("not in cache (offline", error.Reason, StringComparison.Ordinal);
        var after = await moto.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = cacheBucket });
        Assert.Empty(after.S3Objects ?? []);
    }

    [Fact]
    public async Task ResumesAnInterruptedGetWithARange()
    {
        var (_, hashes) = await SeedAsync(2);
        await using var proxy = await S3DropProxy.StartAsync(moto.Endpoint);
        var options = Options() with { S3 = new S3InputOptions(proxy.Endpoint, "us-east-1") };
        using var fetcher = new InputFetcher(options, null, new CapturingLogger(), _temp.Path);
        var url = hashes.Keys.Last();

        await using var input = await fetcher.FetchAsync(url);

        Assert.Equal(hashes[url], Sha.OfFile(input.LocalPath));
        Assert.Equal(1, input.Retries);
        var ranges = proxy.GetRanges.ToArray();
        Assert.Equal(2, ranges.Length);
        Assert.Equal("", ranges[0]);
        Assert.StartsWith("bytes=", ranges[1], StringComparison.Ordinal);
        Assert.True(long.Parse(ranges[1]["bytes=".Length..ranges[1].IndexOf('-', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture) > 0, ranges[1]);
    }

    [Fact]
    public async Task AnonymousReadOfAPrivateObjectIsForbidden()
    {
        var (_, hashes) = await SeedAsync(1);
        using var fetcher = new InputFetcher(Options(anonymous: true), null, new CapturingLogger(), _temp.Path);

        var error = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(hashes.Keys.Single()));

        Assert.Equal(403, error.StatusCode);
        Assert.Empty(_temp.AllFiles());
    }

    [Fact]
    public async Task MissingObjectGivesFetchException()
    {
        var (bucket, _) = await SeedAsync(1);
        using var fetcher = new InputFetcher(Options(), InputCache.ForDirectory(_temp.Sub("cache")), new CapturingLogger(), _temp.Sub("tmp"));
        var url = $"s3://{bucket}/oisst/missing.nc";

        var error = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(url));

        Assert.Equal(url, error.Url);
        Assert.Equal(404, error.StatusCode);
        Assert.Empty(_temp.AllFiles());
    }
}
