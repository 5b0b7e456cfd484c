namespace Forge.Storage.S3.Tests;

public sealed class S3UrlTests
{
    [Theory]
    [InlineData("s3://bucket", "bucket", "")]
    [InlineData("s3://bucket/", "bucket", "")]
    [InlineData("s3://my-bucket/a/b.zarr", "my-bucket", "a/b.zarr")]
    [InlineData("S3://my-bucket/a/b.zarr/", "my-bucket", "a/b.zarr")]
    public void UrlsSplitIntoBucketAndPrefix(string url, string bucket, string prefix) =>
        Assert.Equal((bucket, prefix), S3Store.ParseUrl(url));

    [Theory]
    [InlineData("s3://")]
    [InlineData("https://bucket/a")]
    [InlineData("/local/path")]
    public void NonS3UrlsAreRefused(string url)
    {
        var ex = Assert.Throws<ArgumentException>(() => S3Store.ParseUrl(url));
        Assert.Contains(url, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromUrlKeepsOtherOptionsAndNamesTheStore()
    {
        var options = new S3StoreOptions { Bucket = "x", Endpoint = new Uri("http://127.0.0.1:9/"), Anonymous = true, PartSize = 8 * 1024 * 1024 };
        using var store = S3Store.FromUrl("s3://data-bucket/targets/oisst.zarr", options);
        Assert.Equal("s3://data-bucket/targets/oisst.zarr", store.Url);
        Assert.Equal("data-bucket", store.Options.Bucket);
        Assert.Equal(8 * 1024 * 1024, store.Options.PartSize);
    }

    [Fact]
    public void InvalidOptionsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new S3StoreOptions { Bucket = "bkt", PartSize = 1024 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new S3StoreOptions { Bucket = "bkt", MaxConcurrency = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new S3StoreOptions { Bucket = "b" }.Validate());
        Assert.Throws<ArgumentException>(() => new S3StoreOptions { Bucket = "bkt", Anonymous = true, Credentials = new Amazon.Runtime.BasicAWSCredentials("a", "b") }.Validate());
    }
}

public sealed class StoreLocatorTests
{
    [Theory]
    [InlineData("s3://bkt/out.zarr", typeof(S3Store), "s3://bkt/out.zarr")]
    [InlineData("memory://", typeof(Forge.Core.Storage.MemoryStore), "memory://")]
    [InlineData("file:///data/out.zarr", typeof(Forge.Core.Storage.LocalStore), "/data/out.zarr")]
    [InlineData("/data/out.zarr", typeof(Forge.Core.Storage.LocalStore), "/data/out.zarr")]
    public void UrlsOpenTheirStore(string url, Type type, string storeUrl)
    {
        var store = StoreLocator.Open(url, new S3StoreOptions { Bucket = "unused", Endpoint = new Uri("http://127.0.0.1:9/"), Anonymous = true });
        try
        {
            Assert.IsType(type, store);
            Assert.Equal(storeUrl, store.Url);
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void UnknownSchemesAreRefused() =>
        Assert.Contains("gs://bkt/x", Assert.Throws<ArgumentException>(() => StoreLocator.Open("gs://bkt/x")).Message, StringComparison.Ordinal);
}
