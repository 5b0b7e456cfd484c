using Forge.Core.Storage;

namespace Forge.Core.Tests.Storage;

public sealed class StoreArgumentsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a/")]
    [InlineData("a/b/c")]
    [InlineData(".z")]
    [InlineData("t/c/0.")]
    [InlineData("a/..b")]
    public void ValidPrefixesPass(string prefix) => Assert.Equal(prefix, StoreArguments.Prefix(prefix, "memory://"));

    [Theory]
    [InlineData("/a")]
    [InlineData("/")]
    [InlineData("a\\b")]
    [InlineData("../x")]
    [InlineData("a/./b")]
    [InlineData("a//")]
    public void InvalidPrefixesAreRefused(string prefix) =>
        Assert.ThrowsAny<ArgumentException>(() => StoreArguments.Prefix(prefix, "memory://"));

    [Fact]
    public void DefaultKeyIsRefusedNamingTheStore()
    {
        var ex = Assert.Throws<ArgumentException>(() => StoreArguments.Key(default, "s3://bkt/p"));
        Assert.Contains("s3://bkt/p", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeRangesAreRefusedNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StoreArguments.Range(new ByteRange.FromOffset(-5), new StoreKey("c/0"), "memory://"));
        Assert.Contains("c/0", ex.Message, StringComparison.Ordinal);
        StoreArguments.Range(null, new StoreKey("c/0"), "memory://");
        StoreArguments.Range(new ByteRange.Suffix(0), new StoreKey("c/0"), "memory://");
    }
}
