using Forge.Core.Storage;
using Forge.Testing.Storage;

namespace Forge.Core.Tests.Storage;

public sealed class LocalStoreConformanceTests : StoreConformance
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "forge-localstore-" + Guid.NewGuid().ToString("N"));

    protected override Task<IStore> CreateStoreAsync() => Task.FromResult<IStore>(new LocalStore(Path.Combine(_root, "target.zarr")));

    protected override Task DisposeStoreAsync(IStore store)
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task NoTemporaryFilesRemainAfterWrites()
    {
        await Store.SetAsync(new StoreKey("a/b"), new byte[] { 1, 2 });
        await Store.SetAsync(new StoreKey("a/b"), new byte[] { 3 });
        Assert.True(await ((IConditionalWritableStore)Store).SetIfAbsentAsync(new StoreKey("a/c"), new byte[] { 4 }));
        Assert.False(await ((IConditionalWritableStore)Store).SetIfAbsentAsync(new StoreKey("a/c"), new byte[] { 5 }));
        var files = Directory.GetFiles(Store.Url, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 });
        Assert.Equal([Path.Combine(Store.Url, "a", "b"), Path.Combine(Store.Url, "a", "c")], files.Order(StringComparer.Ordinal));
    }
}

/// <summary>The same contract with fsync off (forge run --no-fsync): only durability after a machine crash differs.</summary>
public sealed class LocalStoreWithoutFsyncConformanceTests : StoreConformance
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "forge-localstore-nofsync-" + Guid.NewGuid().ToString("N"));

    protected override Task<IStore> CreateStoreAsync() => Task.FromResult<IStore>(new LocalStore(Path.Combine(_root, "target.zarr"), new LocalStoreOptions { Fsync = false }));

    protected override Task DisposeStoreAsync(IStore store)
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void The_option_is_kept() => Assert.False(((LocalStore)Store).Fsync);
}
