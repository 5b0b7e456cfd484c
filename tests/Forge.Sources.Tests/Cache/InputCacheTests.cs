using System.Text.Json;
using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Cache;

/// <summary>Verified cache: hits, sidecars, corrupt/partial entries refetched, offline mode, store-backed caches.</summary>
public sealed class InputCacheTests : IAsyncLifetime
{
    private FaultServer _server = null!;
    private IReadOnlyDictionary<string, string> _hashes = null!;
    private readonly TempDir _temp = new();

    public async Task InitializeAsync()
    {
        _server = await FaultServer.StartAsync();
        _hashes = _server.AddGeneratedFiles(3);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private InputFetcher Fetcher(InputCache cache, bool offline = false, CapturingLogger? logger = null) =>
        new(new FetchOptions { Offline = offline, RetryBaseDelay = TimeSpan.FromMilliseconds(5) }, cache, logger ?? new CapturingLogger(), _temp.Sub("tmp"));

    private string CachePath(InputCache cache, string url)
    {
        Assert.True(cache.TryGetLocalPath(InputCache.EntryKey(url), out var path));
        return path;
    }

    [Fact]
    public async Task SecondFetchIsAVerifiedHitInPlace()
    {
        var cache = InputCache.ForDirectory(_temp.Sub("cache"));
        using var fetcher = Fetcher(cache);
        var url = _server.Url("input-001.nc");

        var first = await fetcher.FetchAsync(url);
        var second = await fetcher.FetchAsync(url);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(CachePath(cache, url), first.LocalPath);
        Assert.Equal(first.LocalPath, second.LocalPath);
        Assert.False(second.IsTemporary);
        Assert.Equal(_hashes["input-001.nc"], Sha.OfFile(second.LocalPath));
        Assert.Equal(1, _server.AttemptsOf("input-001.nc"));
        await second.DisposeAsync();
        Assert.True(File.Exists(second.LocalPath), "disposing a cache hit must not delete the entry");

        using var sidecar = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(first.LocalPath)!, ".entry.json")));
        var root = sidecar.RootElement;
        Assert.Equal(url, root.GetProperty("url").GetString());
        Assert.Equal(_server.Files["input-001.nc"].Length, root.GetProperty("size").GetInt64());
        Assert.Equal(_hashes["input-001.nc"], root.GetProperty("sha256").GetString());
        Assert.Equal("\"input-001.nc-v1\"", root.GetProperty("etag").GetString());
        Assert.True(root.TryGetProperty("fetched_at", out _));
        Assert.Empty(_temp.AllFiles("tmp"));
    }

    [Theory]
    [InlineData("flip", true)]
    [InlineData("truncate", false)]
    [InlineData("no-sidecar", true)]
    [InlineData("bad-sidecar", true)]
    public async Task CorruptOrPartialEntryIsDetectedAndFetchedAgain(string damage, bool verifyOnRead)
    {
        var cache = InputCache.ForDirectory(_temp.Sub("cache"), new InputCacheOptions(verifyOnRead));
        var logger = new CapturingLogger();
        using var fetcher = Fetcher(cache, logger: logger);
        var url = _server.Url("input-002.nc");
        var path = (await fetcher.FetchAsync(url)).LocalPath;
        var sidecar = Path.Combine(Path.GetDirectoryName(path)!, ".entry.json");
        switch (damage)
        {
            case "flip":
                var bytes = File.ReadAllBytes(path);
                bytes[bytes.Length / 2] ^= 0xFF;
                File.WriteAllBytes(path, bytes);
                break;
            case "truncate":
                using (var f = File.OpenWrite(path)) f.SetLength(f.Length - 7);
                break;
            case "no-sidecar":
                File.Delete(sidecar);
                break;
            case "bad-sidecar":
                File.WriteAllText(sidecar, "{\"url\": ");
                break;
        }

        var again = await fetcher.FetchAsync(url);

        Assert.False(again.FromCache);
        Assert.Equal(2, _server.AttemptsOf("input-002.nc"));
        Assert.Equal(_hashes["input-002.nc"], Sha.OfFile(again.LocalPath));
        Assert.Contains("corrupt", logger.All, StringComparison.Ordinal);
        Assert.True((await fetcher.FetchAsync(url)).FromCache);
    }

    [Fact]
    public async Task OfflineServesHitsAndNamesMissingInputs()
    {
        var cache = InputCache.ForDirectory(_temp.Sub("cache"));
        using (var online = Fetcher(cache)) await online.FetchAsync(_server.Url("input-000.nc"));
        using var offline = Fetcher(cache, offline: true);

        var hit = await offline.FetchAsync(_server.Url("input-000.nc"));
        var error = await Assert.ThrowsAsync<FetchException>(async () => await offline.FetchAsync(_server.Url("input-001.nc")));

        Assert.True(hit.FromCache);
        Assert.Equal(_server.Url("input-001.nc"), error.Url);
        Assert.Contains("not in cache (offline", error.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _server.AttemptsOf("input-001.nc"));
        Assert.Equal(1, _server.AttemptsOf("input-000.nc"));
    }

    [Fact]
    public async Task OfflineWithoutCacheFails()
    {
        using var offline = new InputFetcher(new FetchOptions { Offline = true }, null, new CapturingLogger(), _temp.Sub("tmp"));

        var error = await Assert.ThrowsAsync<FetchException>(async () => await offline.FetchAsync(_server.Url("input-000.nc")));

        Assert.Contains("not in cache (offline", error.Reason, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task StoreBackedCacheKeepsVerifiedEntries()
    {
        var store = new MemoryStore();
        var cache = new InputCache(store);
        using var fetcher = Fetcher(cache);
        var url = _server.Url("input-001.nc");

        var first = await fetcher.FetchAsync(url);
        Assert.True(first.IsTemporary);
        await first.DisposeAsync();
        Assert.False(File.Exists(first.LocalPath));
        var key = InputCache.EntryKey(url);
        Assert.Equal(_server.Files["input-001.nc"], store.Values[key.Value]);
        Assert.True(store.Values.ContainsKey(InputCache.SidecarKey(key).Value));

        var hit = await fetcher.FetchAsync(url);
        Assert.True(hit.FromCache);
        Assert.True(hit.IsTemporary);
        Assert.Equal(_hashes["input-001.nc"], Sha.OfFile(hit.LocalPath));
        await hit.DisposeAsync();

        store.Values[key.Value][10] ^= 1;
        var refetched = await fetcher.FetchAsync(url);
        Assert.False(refetched.FromCache);
        Assert.Equal(2, _server.AttemptsOf("input-001.nc"));
        Assert.Equal(_server.Files["input-001.nc"], store.Values[key.Value]);
        await refetched.DisposeAsync();
        Assert.Empty(_temp.AllFiles("tmp"));
    }

    [Fact]
    public async Task LocalStoreIsUsedAsAFolderInPlace()
    {
        var root = _temp.Sub("store");
        var store = new FolderStore(root);
        var cache = new InputCache(store);
        using var fetcher = Fetcher(cache);
        var url = _server.Url("input-000.nc");

        var first = await fetcher.FetchAsync(url);

        Assert.True(cache.IsLocal);
        Assert.StartsWith(root, first.LocalPath, StringComparison.Ordinal);
        Assert.False(first.IsTemporary);
        var key = InputCache.EntryKey(url);
        Assert.True(await store.ExistsAsync(key));
        Assert.True(await store.ExistsAsync(InputCache.SidecarKey(key)));
        using var bytes = await store.GetAsync(key);
        Assert.Equal(_server.Files["input-000.nc"], bytes!.Memory.ToArray());
        Assert.True((await fetcher.FetchAsync(url)).FromCache);
    }

    [Fact]
    public void EntryKeyIgnoresSecretsAndUserInfo()
    {
        var plain = InputCache.EntryKey("https://data.example.org/a/sst%20day.nc");
        Assert.Equal(plain, InputCache.EntryKey("https://user:pw@DATA.example.org/a/sst%20day.nc"));
        Assert.Equal(InputCache.EntryKey("https://h/x.nc?token=abc&v=1"), InputCache.EntryKey("https://h/x.nc?token=xyz&v=1"));
        Assert.NotEqual(InputCache.EntryKey("https://h/x.nc?v=1"), InputCache.EntryKey("https://h/x.nc?v=2"));
        Assert.EndsWith("/sst_day.nc", plain.Value, StringComparison.Ordinal);
    }
}
