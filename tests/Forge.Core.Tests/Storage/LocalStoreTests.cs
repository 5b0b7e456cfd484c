using Forge.Core.Storage;

namespace Forge.Core.Tests.Storage;

public sealed class LocalStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "forge-localstore-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task KeysMapToFilesUnderTheRoot()
    {
        var store = new LocalStore(_root + "/");
        Assert.Equal(_root, store.Url);
        await store.SetAsync(new StoreKey("sst/c/0/1"), new byte[] { 9, 8, 7 });
        Assert.Equal(new byte[] { 9, 8, 7 }, await File.ReadAllBytesAsync(Path.Combine(_root, "sst", "c", "0", "1")));
    }

    [Fact]
    public async Task FilesWrittenByOthersAreListedAndRead()
    {
        Directory.CreateDirectory(Path.Combine(_root, "x", "y"));
        await File.WriteAllBytesAsync(Path.Combine(_root, "x", "y", ".zarray"), [1, 2, 3]);
        await File.WriteAllBytesAsync(Path.Combine(_root, "x", ".zattrs"), [4]);
        var store = new LocalStore(_root);
        var keys = new List<string>();
        await foreach (var key in store.ListAsync("")) keys.Add(key.Value);
        Assert.Equal(["x/.zattrs", "x/y/.zarray"], keys.Order(StringComparer.Ordinal));
        using var value = await store.GetAsync(new StoreKey("x/y/.zarray"), new ByteRange.FromOffset(1));
        Assert.Equal(new byte[] { 2, 3 }, value!.Memory.ToArray());
    }

    [Fact]
    public async Task InProgressTemporaryFilesAreNotListed()
    {
        var store = new LocalStore(_root);
        await store.SetAsync(new StoreKey("a/0"), new byte[] { 1 });
        // What a crashed writer leaves behind: a temp file beside its target.
        await File.WriteAllBytesAsync(Path.Combine(_root, "a", ".1.0123456789abcdef" + LocalStore.TempSuffix), [2]);
        var keys = new List<string>();
        await foreach (var key in store.ListAsync("a/")) keys.Add(key.Value);
        Assert.Equal(["a/0"], keys);
    }

    [Fact]
    public async Task KeysWithTheTemporarySuffixAreRefused()
    {
        var store = new LocalStore(_root);
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await store.SetAsync(new StoreKey("a/b" + LocalStore.TempSuffix), new byte[] { 1 }));
        Assert.Contains("a/b" + LocalStore.TempSuffix, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("..")]
    public void PathsOutsideTheRootAreRefused(string relative)
    {
        var store = new LocalStore(_root);
        var ex = Assert.Throws<ArgumentException>(() => store.ResolvePath(relative));
        Assert.Contains(relative, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PathsInsideTheRootResolve()
    {
        var store = new LocalStore(_root);
        Assert.Equal(Path.Combine(_root, "a", "b"), store.ResolvePath("a/b"));
    }

    [Fact]
    public void SiblingDirectoryWithTheSamePrefixIsNotInside()
    {
        // "/tmp/root-evil" starts with "/tmp/root" as a string but is outside the root.
        var store = new LocalStore(_root);
        Assert.Throws<ArgumentException>(() => store.ResolvePath("../" + Path.GetFileName(_root) + "-evil/x"));
    }

    [Fact]
    public async Task WriteFailureNamesTheKeyAndStore()
    {
        var store = new LocalStore(_root);
        await store.SetAsync(new StoreKey("blocker"), new byte[] { 1 });
        // "blocker" is a file, so "blocker/child" cannot get a directory.
        var ex = await Assert.ThrowsAsync<IOException>(async () => await store.SetAsync(new StoreKey("blocker/child"), new byte[] { 2 }));
        Assert.Contains("blocker/child", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_root, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///data/out.zarr", "/data/out.zarr")]
    [InlineData("file://localhost/data/a%20b.zarr", "/data/a b.zarr")]
    [InlineData("/data/out.zarr/", "/data/out.zarr")]
    public void FromUrlAcceptsPathsAndFileUrls(string url, string root) => Assert.Equal(root, LocalStore.FromUrl(url).Url);

    [Fact]
    public void FromUrlRefusesRemoteFileUrls() =>
        Assert.Contains("file://server/share", Assert.Throws<ArgumentException>(() => LocalStore.FromUrl("file://server/share")).Message, StringComparison.Ordinal);

    [Fact]
    public async Task ListingAMissingRootIsEmpty()
    {
        var store = new LocalStore(Path.Combine(_root, "never-created"));
        await foreach (var _ in store.ListAsync("")) Assert.Fail("a missing root has no keys");
        Assert.False(await store.ExistsAsync(new StoreKey("a")));
    }
}

/// <summary>Partial files a killed writer left behind are removed by the sweep; fresh ones (a live writer's) are kept.</summary>
public sealed class LocalStoreSweepTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("forge-sweep-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task StaleTemporaryFilesAreRemovedAndNothingElse()
    {
        var store = new LocalStore(_root);
        await store.SetAsync(new StoreKey("sst/0.0"), new byte[] { 1, 2 });
        var stale = Path.Combine(_root, "sst", ".0.1.0123456789abcdef0123456789abcdef" + LocalStore.TempSuffix);
        var fresh = Path.Combine(_root, "sst", ".0.2.fedcba9876543210fedcba9876543210" + LocalStore.TempSuffix);
        File.WriteAllBytes(stale, [9]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddMinutes(-5));
        File.WriteAllBytes(fresh, [9]);

        Assert.Equal(1, await store.SweepTemporaryObjectsAsync(DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(Path.Combine(_root, "sst", "0.0")));
    }
}
