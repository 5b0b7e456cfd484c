using System.Collections.Concurrent;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Kernels;
using Forge.Core.Sources;
using Forge.Core.Storage;

namespace Forge.Core.Tests.Engine;

/// <summary>An input file held in memory: its header and each variable's little-endian C-order bytes.</summary>
internal sealed record MemoryDataset(DatasetSchema Schema, IReadOnlyDictionary<string, byte[]> Data);

/// <summary>
/// Serves <see cref="MemoryDataset"/>s by path as the Formats readers would serve files, and can fail a read once
/// (a flaky input) to exercise resume. Counts hyperslab reads per (path, variable).
/// </summary>
internal sealed class MemoryDatasetOpener(IReadOnlyDictionary<string, MemoryDataset> files) : IDatasetOpener
{
    private readonly ConcurrentDictionary<(string Path, string Variable), int> _failuresLeft = new();

    public ConcurrentDictionary<(string Path, string Variable), int> Reads { get; } = new();

    /// <summary>Elements decoded per (path, variable), over all reads.</summary>
    public ConcurrentDictionary<(string Path, string Variable), long> ElementsRead { get; } = new();

    /// <summary>Opens per path.</summary>
    public ConcurrentDictionary<string, int> Opens { get; } = new();

    public void FailNextRead(string path, string variable, int times = 1) => _failuresLeft[(path, variable)] = times;

    public ValueTask<IDatasetReader> OpenAsync(string path, string format, IReadOnlyDictionary<string, object?>? options = null, CancellationToken ct = default) =>
        files.TryGetValue(path, out var ds) ? ValueTask.FromResult<IDatasetReader>(new Reader(this, path, ds, Opens.AddOrUpdate(path, 1, (_, n) => n + 1)))
            : throw new DataException($"{path}: no such file");

    private sealed class Reader(MemoryDatasetOpener owner, string path, MemoryDataset ds, int openNumber) : IDatasetReader
    {
        public string Source => path;

        public DatasetSchema Schema => ds.Schema;

        public ValueTask ReadAsync(string variable, ReadOnlyMemory<long> start, ReadOnlyMemory<long> count, Memory<byte> destination, CancellationToken ct = default)
        {
            ct.ThrowIfCancellationRequested();
            if (owner._failuresLeft.TryGetValue((path, variable), out var left) && left > 0)
            {
                owner._failuresLeft[(path, variable)] = left - 1;
                throw new IOException("simulated read failure");
            }

            _ = openNumber;
            owner.Reads.AddOrUpdate((path, variable), 1, (_, n) => n + 1);
            var v = ds.Schema.GetVariable(variable);
            var counts = count.ToArray();
            owner.ElementsRead.AddOrUpdate((path, variable), counts.Aggregate(1L, (a, b) => a * b), (_, n) => n + counts.Aggregate(1L, (a, b) => a * b));
            if (destination.Length != counts.Aggregate(1L, (a, b) => a * b) * v.DataType.ElementSize())
                throw new ArgumentException("destination has the wrong size", nameof(destination));
            BlockCopy.Copy(ds.Data[variable], v.Shape.AsSpan(), start.Span, destination.Span, counts, new long[counts.Length], counts, v.DataType.ElementSize());
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Fetches by returning the URL as the local path (the opener serves it from memory).</summary>
internal sealed class MemoryFetcher(IReadOnlyDictionary<string, MemoryDataset> files) : IInputFetcher
{
    /// <summary>Every URL fetched, in order.</summary>
    public ConcurrentQueue<string> Fetched { get; } = new();

    /// <summary>Runs before every fetch (a test holds an input back with it); null runs nothing.</summary>
    public Func<string, CancellationToken, Task>? BeforeFetch { get; init; }

    public async ValueTask<FetchedInput> FetchAsync(string url, CancellationToken ct = default)
    {
        if (BeforeFetch is not null) await BeforeFetch(url, ct);
        if (!files.TryGetValue(url, out var ds)) throw new FetchException(url, "not found", 404);
        Fetched.Enqueue(url);
        var sha = ContentSha(ds);
        return new FetchedInput(url, url, 1000, true, 0) { Sha256 = sha, Validators = Validators(sha) };
    }

    /// <summary>Like an HTTP HEAD: the size and an ETag derived from the content, so a changed input has another ETag.</summary>
    public ValueTask<InputValidators?> ProbeAsync(string url, CancellationToken ct = default) =>
        ValueTask.FromResult(files.TryGetValue(url, out var ds) ? Validators(ContentSha(ds)) : null);

    private static InputValidators Validators(string sha) => new(1000, $"\"{sha[..16]}\"", null);

    /// <summary>The content identity of an in-memory input: its variables' bytes, in name order.</summary>
    private static string ContentSha(MemoryDataset ds)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (name, bytes) in ds.Data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            sha.AppendData(bytes);
        }

        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }
}

/// <summary>A store that records the order of its writes.</summary>
internal sealed class RecordingStore(IStore inner) : IStore, IConditionalWritableStore
{
    public ConcurrentQueue<string> Sets { get; } = new();

    public string Url => inner.Url;

    public ValueTask<System.Buffers.IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default) => inner.GetAsync(key, range, ct);

    public ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default) => inner.ExistsAsync(key, ct);

    public ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        Sets.Enqueue(key.Value);
        return inner.SetAsync(key, value, ct);
    }

    /// <summary>Recorded when it creates the key, except leases (gone when the run ends); run.json is a conditional create.</summary>
    public async ValueTask<bool> SetIfAbsentAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        var created = await ((IConditionalWritableStore)inner).SetIfAbsentAsync(key, value, ct);
        if (created && !key.Value.StartsWith(".forge/lease", StringComparison.Ordinal)) Sets.Enqueue(key.Value);
        return created;
    }

    public ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default) => inner.DeleteAsync(key, ct);

    public IAsyncEnumerable<StoreKey> ListAsync(string prefix, CancellationToken ct = default) => inner.ListAsync(prefix, ct);
}

internal static class Bytes
{
    public static byte[] Of<T>(T[] values) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static T[] As<T>(byte[] bytes) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();

    public static bool IsMetadata(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        return name is "zarr.json" or ".zarray" or ".zgroup" or ".zattrs" or ".zmetadata";
    }
}
