using System.Collections.Concurrent;
using Forge.Core.Storage;

namespace Forge.Testing.Storage;

/// <summary>
/// The behaviour every <see cref="IStore"/> must share. Subclass it in a test project and implement
/// <see cref="CreateStoreAsync"/>; each test gets a fresh, empty store.
/// </summary>
public abstract class StoreConformance : IAsyncLifetime
{
    private IStore? _store;

    /// <summary>The store under test (fresh and empty for each test).</summary>
    protected IStore Store => _store ?? throw new InvalidOperationException("the store is created in InitializeAsync");

    /// <summary>Length of the value in <see cref="LargeValueRoundTripsAndRanges"/>: above the 16 MiB S3 multipart threshold.</summary>
    protected virtual int LargeValueLength => (21 * 1024 * 1024) + 17;

    /// <summary>Creates an empty store for one test.</summary>
    protected abstract Task<IStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made (directories, buckets).</summary>
    protected virtual Task DisposeStoreAsync(IStore store) => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null) await DisposeStoreAsync(_store);
    }

    [Fact]
    public void UrlIsNamed() => Assert.False(string.IsNullOrWhiteSpace(Store.Url));

    [Fact]
    public async Task SetThenGetReturnsTheValue()
    {
        var value = StoreData.Random(1000, seed: 1);
        await Store.SetAsync(new StoreKey("a/b/c"), value);
        Assert.Equal(value, await ReadAsync("a/b/c"));
    }

    [Fact]
    public async Task EmptyValueRoundTrips()
    {
        await Store.SetAsync(new StoreKey("empty"), ReadOnlyMemory<byte>.Empty);
        var read = await ReadAsync("empty");
        Assert.NotNull(read);
        Assert.Empty(read);
        Assert.True(await Store.ExistsAsync(new StoreKey("empty")));
    }

    [Fact]
    public async Task MissingKeysReadAsNull()
    {
        Assert.Null(await ReadAsync("nope"));
        Assert.Null(await ReadAsync("no/such/key", new ByteRange.Bounded(0, 4)));
        Assert.Null(await ReadAsync("no/such/key", new ByteRange.Suffix(4)));
        Assert.False(await Store.ExistsAsync(new StoreKey("nope")));
    }

    [Fact]
    public async Task OverwriteReplacesTheWholeValue()
    {
        var key = new StoreKey("c/0/0");
        await Store.SetAsync(key, StoreData.Random(5000, seed: 2));
        var shorter = StoreData.Random(100, seed: 3);
        await Store.SetAsync(key, shorter);
        Assert.Equal(shorter, await ReadAsync("c/0/0"));
    }

    [Fact]
    public async Task SetCopiesTheCallersSliceOnly()
    {
        var backing = StoreData.Random(300, seed: 4);
        var slice = backing.AsMemory(100, 50);
        var expected = slice.ToArray();
        await Store.SetAsync(new StoreKey("slice"), slice);
        backing.AsSpan().Clear(); // the store must not keep a reference to the caller's buffer
        Assert.Equal(expected, await ReadAsync("slice"));
    }

    [Theory]
    [InlineData("bounded", 0, 10, 0, 10)]
    [InlineData("bounded", 90, 10, 90, 10)]
    [InlineData("bounded", 95, 10, 95, 5)]
    [InlineData("bounded", 100, 5, 0, 0)]
    [InlineData("bounded", 150, 5, 0, 0)]
    [InlineData("bounded", 10, 0, 0, 0)]
    [InlineData("offset", 0, 0, 0, 100)]
    [InlineData("offset", 40, 0, 40, 60)]
    [InlineData("offset", 99, 0, 99, 1)]
    [InlineData("offset", 100, 0, 0, 0)]
    [InlineData("offset", 150, 0, 0, 0)]
    [InlineData("suffix", 10, 0, 90, 10)]
    [InlineData("suffix", 100, 0, 0, 100)]
    [InlineData("suffix", 150, 0, 0, 100)]
    [InlineData("suffix", 0, 0, 0, 0)]
    public async Task RangesReadTheRightBytes(string kind, long a, long b, int expectedOffset, int expectedLength)
    {
        var value = StoreData.Sequence(100);
        await Store.SetAsync(new StoreKey("r/0"), value);
        ByteRange range = kind switch
        {
            "bounded" => new ByteRange.Bounded(a, b),
            "offset" => new ByteRange.FromOffset(a),
            _ => new ByteRange.Suffix(a),
        };
        var read = await ReadAsync("r/0", range);
        Assert.NotNull(read); // the key exists: an unsatisfiable range is empty, not missing
        Assert.Equal(value.AsSpan(expectedOffset, expectedLength).ToArray(), read);
    }

    [Fact]
    public async Task NegativeRangesAreRefused()
    {
        await Store.SetAsync(new StoreKey("neg"), StoreData.Sequence(10));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await ReadAsync("neg", new ByteRange.Bounded(-1, 2)));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await ReadAsync("neg", new ByteRange.Suffix(-3)));
    }

    [Fact]
    public async Task DeleteRemovesAndIsIdempotent()
    {
        var key = new StoreKey("d/x");
        await Store.SetAsync(key, StoreData.Random(10, seed: 5));
        await Store.DeleteAsync(key);
        Assert.Null(await ReadAsync("d/x"));
        Assert.False(await Store.ExistsAsync(key));
        await Store.DeleteAsync(key);
        await Store.DeleteAsync(new StoreKey("never/existed/at/all"));
        Assert.Empty(await ListAsync(""));
    }

    [Fact]
    public async Task ExistsSeesValuesNotPrefixes()
    {
        await Store.SetAsync(new StoreKey("g/a/0.0"), StoreData.Random(10, seed: 6));
        Assert.True(await Store.ExistsAsync(new StoreKey("g/a/0.0")));
        Assert.False(await Store.ExistsAsync(new StoreKey("g/a")));
        Assert.False(await Store.ExistsAsync(new StoreKey("g")));
        Assert.Null(await ReadAsync("g/a"));
        await Store.DeleteAsync(new StoreKey("g/a")); // deleting a prefix-only key deletes nothing
        Assert.True(await Store.ExistsAsync(new StoreKey("g/a/0.0")));
    }

    [Fact]
    public async Task ListFindsNestedKeysByStringPrefix()
    {
        string[] keys = [".zgroup", ".zattrs", "a/.zarray", "a/b/c", "a/b/d", "a/e", "ab/x", "f", "zarr.json", "t/c/0/0/1"];
        foreach (var key in keys) await Store.SetAsync(new StoreKey(key), StoreData.Random(8, seed: key.Length));

        Assert.Equal(keys.Order(StringComparer.Ordinal), await ListAsync(""));
        Assert.Equal(["a/.zarray", "a/b/c", "a/b/d", "a/e"], await ListAsync("a/"));
        Assert.Equal(["a/.zarray", "a/b/c", "a/b/d", "a/e", "ab/x"], await ListAsync("a"));
        Assert.Equal(["a/b/c", "a/b/d"], await ListAsync("a/b/"));
        Assert.Equal(["a/b/c"], await ListAsync("a/b/c"));
        Assert.Equal(["t/c/0/0/1"], await ListAsync("t/c/0/"));
        Assert.Equal([".zattrs", ".zgroup"], await ListAsync(".z"));
        Assert.Empty(await ListAsync("zz"));
        Assert.Empty(await ListAsync("q/r/"));

        await Store.DeleteAsync(new StoreKey("a/b/c"));
        Assert.Equal(["a/b/d"], await ListAsync("a/b/"));
    }

    [Fact]
    public async Task ListPagesThroughManyKeys()
    {
        // More than one S3 ListObjectsV2 page is 1000 keys; 1100 keeps the test fast elsewhere too.
        var expected = Enumerable.Range(0, 1100).Select(i => $"many/c/{i / 100}/{i % 100}").ToArray();
        await Parallel.ForEachAsync(expected, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (key, ct) => await Store.SetAsync(new StoreKey(key), new byte[] { 1 }, ct));
        Assert.Equal(expected.Order(StringComparer.Ordinal), await ListAsync("many/"));
    }

    [Fact]
    public async Task ConcurrentSetsOfDifferentKeysAllLand()
    {
        var values = Enumerable.Range(0, 48).ToDictionary(i => $"p/c/{i}", i => StoreData.Random(64 * 1024, seed: 100 + i));
        await Task.WhenAll(values.Select(kv => Store.SetAsync(new StoreKey(kv.Key), kv.Value).AsTask()));
        foreach (var (key, value) in values) Assert.Equal(value, await ReadAsync(key));
        Assert.Equal(values.Keys.Order(StringComparer.Ordinal), await ListAsync("p/"));
    }

    [Fact]
    public async Task ConcurrentOverwritesAreAtomic()
    {
        // Writers store uniform values; readers racing with them must only ever see one whole value.
        const int Length = 256 * 1024;
        var key = new StoreKey("atomic/0");
        await Store.SetAsync(key, StoreData.Uniform(Length, 0));
        using var done = new CancellationTokenSource();
        var torn = new ConcurrentBag<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var read = await ReadAsync(key.Value);
                if (read is null || read.Length != Length || read.Any(b => b != read[0]))
                    torn.Add(read is null ? "null" : $"{read.Length} bytes starting {read[0]}");
            }
        })).ToArray();
        var writers = Enumerable.Range(1, 8).Select(i => Task.Run(async () =>
        {
            for (var round = 0; round < 3; round++) await Store.SetAsync(key, StoreData.Uniform(Length, (byte)(i * 10 + round)));
        })).ToArray();
        await Task.WhenAll(writers);
        await done.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Empty(torn);
        var final = await ReadAsync(key.Value);
        Assert.NotNull(final);
        Assert.Contains(final[0], Enumerable.Range(1, 8).SelectMany(i => Enumerable.Range(0, 3).Select(r => (byte)(i * 10 + r))));
    }

    [Fact]
    public async Task LargeValueRoundTripsAndRanges()
    {
        var value = StoreData.Random(LargeValueLength, seed: 7);
        await Store.SetAsync(new StoreKey("big/c/0"), value);
        Assert.Equal(value, await ReadAsync("big/c/0"));
        // A range across the 16 MiB part boundary and the tail.
        const int Boundary = 16 * 1024 * 1024;
        Assert.Equal(value.AsSpan(Boundary - 1000, 3000).ToArray(), await ReadAsync("big/c/0", new ByteRange.Bounded(Boundary - 1000, 3000)));
        Assert.Equal(value.AsSpan(value.Length - 4096).ToArray(), await ReadAsync("big/c/0", new ByteRange.Suffix(4096)));
    }

    [Fact]
    public async Task BinaryValuesAndUnusualKeysRoundTrip()
    {
        var value = Enumerable.Range(0, 1024).Select(i => (byte)(i % 256)).Concat(new byte[300]).ToArray();
        string[] keys = ["bin/sp ace+plus=eq%25pct&amp;q?x#h~t", "bin/ünï €", "bin/0.0.0", "bin/-_.!*'()"];
        foreach (var key in keys) await Store.SetAsync(new StoreKey(key), value);
        foreach (var key in keys) Assert.Equal(value, await ReadAsync(key));
        Assert.Equal(keys.Order(StringComparer.Ordinal), await ListAsync("bin/"));
    }

    [Fact]
    public async Task ConditionalCreateWritesOnlyWhenAbsent()
    {
        var conditional = Assert.IsAssignableFrom<IConditionalWritableStore>(Store);
        var key = new StoreKey(".forge/lease/0");
        var first = StoreData.Random(40, seed: 8);
        Assert.True(await conditional.SetIfAbsentAsync(key, first));
        Assert.False(await conditional.SetIfAbsentAsync(key, StoreData.Random(40, seed: 9)));
        Assert.Equal(first, await ReadAsync(key.Value));
        await Store.DeleteAsync(key);
        Assert.True(await conditional.SetIfAbsentAsync(key, StoreData.Random(5, seed: 10)));
    }

    [Fact]
    public async Task ConcurrentConditionalCreatesHaveOneWinner()
    {
        var conditional = Assert.IsAssignableFrom<IConditionalWritableStore>(Store);
        var key = new StoreKey(".forge/race");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(async () => (Won: await conditional.SetIfAbsentAsync(key, StoreData.Uniform(1000, (byte)(i + 1))), Id: (byte)(i + 1)))));
        var winner = Assert.Single(results, r => r.Won);
        Assert.Equal(StoreData.Uniform(1000, winner.Id), await ReadAsync(key.Value));
    }

    [Fact]
    public async Task InvalidKeysAndPrefixesAreRefused()
    {
        // StoreKey refuses traversal before any store sees it...
        Assert.Throws<ArgumentException>(() => new StoreKey("../outside"));
        Assert.Throws<ArgumentException>(() => new StoreKey("/abs"));
        Assert.Throws<ArgumentException>(() => new StoreKey("a//b"));
        // ...and the store refuses the one key that bypasses the constructor, and bad listing prefixes.
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.SetAsync(default, new byte[] { 1 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.GetAsync(default));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.ExistsAsync(default));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.DeleteAsync(default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ListAsync("/abs"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ListAsync("../"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ListAsync("a/../b"));
    }

    [Fact]
    public async Task CancelledOperationsThrow()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.SetAsync(new StoreKey("x"), new byte[] { 1 }, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.GetAsync(new StoreKey("x"), ct: cts.Token));
        Assert.False(await Store.ExistsAsync(new StoreKey("x")));
    }

    /// <summary>Reads a whole value or a range into a fresh array (null when missing), disposing the store's buffer.</summary>
    protected async Task<byte[]?> ReadAsync(string key, ByteRange? range = null)
    {
        using var owner = await Store.GetAsync(new StoreKey(key), range);
        return owner?.Memory.ToArray();
    }

    /// <summary>Lists keys under a prefix, sorted ordinally.</summary>
    protected async Task<List<string>> ListAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Store.ListAsync(prefix)) keys.Add(key.Value);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
