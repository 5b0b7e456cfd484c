using System.Collections.Concurrent;
using Forge.Core.Planning;
using Microsoft.Win32.SafeHandles;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// Shards assembled inner chunk by inner chunk (the <c>sharding_indexed</c> codec's layout, built incrementally):
/// each inner chunk is encoded as soon as its data is complete and appended to its shard's file on local scratch,
/// so a shard larger than the memory budget is never held whole. When every inner chunk of a shard that lies in
/// the array has arrived, the shard is complete: it is streamed to the store with its inner chunks in C order and
/// its index at the end (or start, per <c>index_location</c>), which is byte for byte what encoding the whole
/// shard at once produces. Inner chunks wholly outside the array (edge shards) are empty index entries.
/// </summary>
internal sealed class ShardAssembler(string scratchRoot, PipelineCounters counters) : IDisposable
{
    private readonly ConcurrentDictionary<string, ShardState> _shards = new(StringComparer.Ordinal);
    private readonly object _folderGate = new();
    private string? _folder;
    private bool _disposed;

    /// <summary>Shards started but not yet complete.</summary>
    public int OpenCount => _shards.Count;

    /// <summary>
    /// Adds inner chunk <paramref name="innerIndex"/> of <paramref name="units"/> (an <see cref="ArrayPlan.AssemblyUnits"/>
    /// view), encoded (null = only the fill value). Returns the shard when this was its last inner chunk.
    /// </summary>
    public async ValueTask<CompletedShard?> AddAsync(ArrayPlan units, long[] innerIndex, ReadOnlyMemory<byte>? encoded, CancellationToken ct)
    {
        var stored = units.Stored;
        var shardIndex = units.StoredIndex(innerIndex);
        var id = stored.ObjectId(shardIndex);
        var state = _shards.GetOrAdd(id, _ => new ShardState(stored, shardIndex, id));
        int linear = state.Linear(innerIndex);
        if (encoded is { } bytes)
        {
            long offset;
            lock (state)
            {
                state.Handle ??= File.OpenHandle(PathOf(id), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
                offset = state.Length;
                state.Length += bytes.Length;
                state.Offsets[linear] = offset;
                state.Sizes[linear] = bytes.Length;
            }

            await RandomAccess.WriteAsync(state.Handle, bytes, offset, ct).ConfigureAwait(false);
            counters.ShardScratch(bytes.Length);
        }

        lock (state)
        {
            if (++state.Received < state.Expected) return null;
        }

        _shards.TryRemove(id, out _);
        return new CompletedShard(state, PathOf(id));
    }

    private string PathOf(string id)
    {
        lock (_folderGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _folder ??= ProcessFolders.Create(scratchRoot, "shards"); // a killed run's folder is removed by the next run
        }

        return Path.Combine(_folder, id.Replace('/', '_'));
    }

    public void Dispose()
    {
        lock (_folderGate) _disposed = true;
        foreach (var s in _shards.Values) s.Handle?.Dispose();
        _shards.Clear();
        if (_folder is null) return;
        ProcessFolders.Delete(_folder);
    }

    /// <summary>One shard being assembled: where each of its encoded inner chunks sits in its scratch file.</summary>
    internal sealed class ShardState
    {
        private readonly long[] _perShard;

        public ShardState(ArrayPlan stored, long[] index, string id)
        {
            Array = stored;
            Index = index;
            Id = id;
            var shard = stored.ObjectShape;
            var chunk = stored.ChunkShape;
            _perShard = [.. shard.Select((s, d) => s / chunk[d])];
            int n = checked((int)_perShard.Aggregate(1L, (x, y) => x * y));
            Sizes = new long[n];
            Offsets = new long[n];
            System.Array.Fill(Sizes, -1L);
            // Inner chunks that overlap the array; the rest of an edge shard stays empty.
            long expected = 1;
            for (int d = 0; d < shard.Length; d++)
            {
                long start = index[d] * shard[d];
                expected *= Math.Min(_perShard[d], (stored.Shape[d] - start + chunk[d] - 1) / chunk[d]);
            }

            Expected = expected;
        }

        public ArrayPlan Array { get; }

        public long[] Index { get; }

        public string Id { get; }

        public long[] Sizes { get; }

        public long[] Offsets { get; }

        public long Expected { get; }

        public long Received { get; set; }

        public long Length { get; set; }

        public SafeFileHandle? Handle { get; set; }

        /// <summary>C-order number of an inner chunk (array grid index) within this shard.</summary>
        public int Linear(long[] innerIndex)
        {
            long linear = 0;
            for (int d = 0; d < innerIndex.Length; d++) linear = (linear * _perShard[d]) + (innerIndex[d] % _perShard[d]);
            return (int)linear;
        }
    }
}

/// <summary>A shard whose inner chunks are all encoded on scratch; dispose deletes its scratch file.</summary>
internal sealed class CompletedShard(ShardAssembler.ShardState state, string path) : IDisposable
{
    public ArrayPlan Array => state.Array;

    public long[] Index => state.Index;

    public string Id => state.Id;

    /// <summary>Encoded size of each inner chunk in C order (negative = empty).</summary>
    public ReadOnlySpan<long> Sizes => state.Sizes;

    /// <summary>The stored shard: the index before or after the inner chunks, which follow in C order.</summary>
    public SegmentedReadStream OpenContent(ReadOnlyMemory<byte> encodedIndex, bool indexAtStart)
    {
        var segments = new List<SegmentedReadStream.Segment>();
        if (indexAtStart) segments.Add(new SegmentedReadStream.Segment(encodedIndex, -1, encodedIndex.Length));
        for (int c = 0; c < state.Sizes.Length; c++)
        {
            if (state.Sizes[c] > 0) segments.Add(new SegmentedReadStream.Segment(default, state.Offsets[c], state.Sizes[c]));
        }

        if (!indexAtStart) segments.Add(new SegmentedReadStream.Segment(encodedIndex, -1, encodedIndex.Length));
        return new SegmentedReadStream(state.Handle, segments);
    }

    public void Dispose()
    {
        state.Handle?.Dispose();
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
