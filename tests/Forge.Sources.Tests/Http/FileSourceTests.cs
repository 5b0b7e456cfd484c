using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Http;

/// <summary>Local paths and file:// URLs are used in place: not copied, not temporary, not cached.</summary>
public sealed class FileSourceTests
{
    [Fact]
    public async Task LocalPathAndFileUrlAreReturnedInPlace()
    {
        using var temp = new TempDir();
        var path = temp.Sub("local input.nc");
        await File.WriteAllBytesAsync(path, new byte[1234]);
        using var fetcher = new InputFetcher(new FetchOptions(), InputCache.ForDirectory(temp.Sub("cache")), new CapturingLogger(), temp.Sub("tmp"));

        foreach (var url in new[] { path, new Uri(path).AbsoluteUri })
        {
            await using var input = await fetcher.FetchAsync(url);
            Assert.Equal(path, input.LocalPath);
            Assert.Equal(1234, input.Bytes);
            Assert.False(input.IsTemporary);
            Assert.False(input.FromCache);
        }

        Assert.True(File.Exists(path));
        Assert.False(Directory.Exists(temp.Sub("cache")));
    }

    [Fact]
    public async Task MissingLocalFileIsNamed()
    {
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(new FetchOptions(), null, new CapturingLogger(), temp.Path);
        var path = temp.Sub("nope.nc");

        var error = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(path));

        Assert.Contains("no such file", error.Reason, StringComparison.Ordinal);
        Assert.Equal(path, error.Url);
    }
}
