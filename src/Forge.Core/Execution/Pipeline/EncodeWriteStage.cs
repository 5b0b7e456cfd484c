using System.Buffers;
using System.Threading.Channels;
using Forge.Core.Execution.Memory;
using Forge.Core.Planning;
using Forge.Core.Telemetry;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// The last two stages: complete objects are encoded on <c>encoders</c> threads (the encoded buffer charged to the
/// encode share, pool rounding included), their accumulators released, then stored by up to <c>writes</c>
/// asynchronous writers; each stored object is marked done in the ledger by its object id.
/// </summary>
internal sealed class EncodeWriteStage
{
    private readonly Channel<ObjectAccumulator> _complete;
    private readonly Channel<Encoded> _encoded;
    private readonly ITargetWriter _writer;
    private readonly MemoryAccount _share;
    private readonly Func<StoredObject, CancellationToken, ValueTask> _markDone;
    private readonly IProgressSink _progress;
    private readonly PipelineCounters _counters;
    private readonly ShardAssembler _shards;
    private readonly Task _encoders;
    private readonly Task _writers;

    public EncodeWriteStage(ITargetWriter writer, MemoryAccount encodeShare, int encoders, int writes, Func<StoredObject, CancellationToken, ValueTask> markDone, IProgressSink progress, PipelineCounters counters, PipelineFailure failure, ShardAssembler shards)
    {
        _writer = writer;
        _shards = shards;
        _share = encodeShare;
        _markDone = markDone;
        _progress = progress;
        _counters = counters;
        _complete = Channel.CreateBounded<ObjectAccumulator>(new BoundedChannelOptions(Math.Max(1, encoders)) { SingleWriter = false });
        _encoded = Channel.CreateBounded<Encoded>(new BoundedChannelOptions(Math.Max(1, writes)));
        var ct = failure.Token;
        _encoders = RunAll(Math.Max(1, encoders), () => EncodeLoopAsync(ct), _encoded.Writer, failure);
        _writers = RunAll(Math.Max(1, writes), () => WriteLoopAsync(ct), null, failure);
    }

    /// <summary>Hands over a complete object (the stage owns it from now on). Waits while the encoders are busy.</summary>
    public async ValueTask SubmitAsync(ObjectAccumulator complete, CancellationToken ct)
    {
        try
        {
            await _complete.Writer.WriteAsync(complete, ct).ConfigureAwait(false);
        }
        catch
        {
            complete.Dispose();
            throw;
        }
    }

    /// <summary>Hands over a streamed object whose encoding is complete (the stage owns it from now on): the writers store it.</summary>
    public async ValueTask SubmitStreamedAsync(StreamedObject encoded, CancellationToken ct)
    {
        try
        {
            _counters.Encoded();
            await _encoded.Writer.WriteAsync(new Encoded(encoded.Id, encoded.Array.Variable.Name, encoded.Key, null, null, null, encoded), ct).ConfigureAwait(false);
        }
        catch
        {
            encoded.Dispose();
            throw;
        }
    }

    /// <summary>No more objects: waits until everything submitted is stored (or rethrows the first failure).</summary>
    public async Task CompleteAsync()
    {
        _complete.Writer.TryComplete();
        try
        {
            await _encoders.ConfigureAwait(false);
        }
        finally
        {
            await _writers.ConfigureAwait(false);
        }
    }

    /// <summary>After a failure elsewhere: stops accepting objects and releases whatever is queued.</summary>
    public async Task AbortAsync()
    {
        _complete.Writer.TryComplete();
        try { await Task.WhenAll(_encoders, _writers).ConfigureAwait(false); } catch (Exception) { /* the first failure is reported by the caller */ }
        while (_complete.Reader.TryRead(out var a)) a.Dispose();
        while (_encoded.Reader.TryRead(out var e)) e.Dispose();
    }

    /// <summary>Runs the loops; the first failure cancels the whole pipeline (<paramref name="failure"/>) so no stage waits forever.</summary>
    private static Task RunAll(int count, Func<Task> loop, ChannelWriter<Encoded>? completes, PipelineFailure failure)
    {
        var tasks = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            try
            {
                await loop().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure.Fail(ex);
                throw;
            }
        })).ToArray();
        return Task.WhenAll(tasks).ContinueWith(
            t =>
            {
                completes?.TryComplete(t.Exception?.GetBaseException());
                return t;
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
    }

    private async Task EncodeLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var acc in _complete.Reader.ReadAllAsync(ct).ConfigureAwait(false)) await EncodeHereAsync(acc, ct).ConfigureAwait(false);
        }
        catch
        {
            // Stop the other side: the writer of this channel is gone.
            _complete.Writer.TryComplete();
            throw;
        }
    }

    /// <summary>
    /// Encodes a complete object on the calling thread (the stage owns it from now on) and hands the encoded bytes to
    /// the writers. Used where objects are produced as fast as they could be encoded (spill assembly from local
    /// scratch): no object waits whole in a queue for an encoder, so fewer are alive at once.
    /// </summary>
    public async ValueTask EncodeHereAsync(ObjectAccumulator acc, CancellationToken ct)
    {
        using (acc)
        {
            if (acc.Array.ShardOf is not null)
            {
                await EncodeInnerChunkAsync(acc, ct).ConfigureAwait(false);
                return;
            }

            var charge = await _share.ChargeAsync(SchedulePlanner.EncodeCharge(acc.Array), $"encoding object {acc.Id}", ct).ConfigureAwait(false);
            Encoded item;
            try
            {
                var (key, bytes) = _writer.EncodeObject(acc.Array, acc.Index, acc.Buffer.Span);
                item = new Encoded(acc.Id, acc.Array.Variable.Name, key, bytes, charge);
            }
            catch
            {
                charge.Dispose();
                throw;
            }

            _counters.Encoded();
            acc.Dispose(); // the accumulator's memory goes back before the write waits
            await _encoded.Writer.WriteAsync(item, ct).ConfigureAwait(false);
        }
    }

    /// <summary>An inner chunk of a sharded array: encoded now, appended to its shard on scratch; a complete shard goes to the writers.</summary>
    private async Task EncodeInnerChunkAsync(ObjectAccumulator acc, CancellationToken ct)
    {
        CompletedShard? shard;
        using (await _share.ChargeAsync(SchedulePlanner.EncodeCharge(acc.Array), $"encoding inner chunk {acc.Id}", ct).ConfigureAwait(false))
        {
            using var bytes = _writer.EncodeInnerChunk(acc.Array, acc.Buffer.Span);
            acc.Dispose(); // the accumulator's memory goes back before the scratch write waits
            shard = await _shards.AddAsync(acc.Array, acc.Index, bytes?.Memory, ct).ConfigureAwait(false);
        }

        _counters.Encoded();
        if (shard is null) return;
        try
        {
            await _encoded.Writer.WriteAsync(new Encoded(shard.Id, shard.Array.Variable.Name, _writer.ObjectKey(shard.Array, shard.Index), null, null, shard), ct).ConfigureAwait(false);
        }
        catch
        {
            shard.Dispose();
            throw;
        }
    }

    /// <summary>Streams a complete shard from scratch to the store: inner chunks in C order, the index first or last.</summary>
    private async Task<(long Length, uint Crc32C)> StoreShardAsync(string key, CompletedShard shard, CancellationToken ct)
    {
        using var index = _writer.EncodeShardIndex(shard.Array, shard.Sizes, out bool atStart);
        await using var content = shard.OpenContent(index.Memory, atStart);
        long length = content.Length;
        await _writer.StoreObjectAsync(key, content, length, ct).ConfigureAwait(false);
        // The ledger's CRC-32C (for forge verify) from a second read of the assembled shard: the store may read its stream more than once.
        await using var again = shard.OpenContent(index.Memory, atStart);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            uint crc = 0xFFFFFFFFu;
            int n;
            while ((n = await again.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0) crc = Kernels.Crc32C.Append(crc, buffer.AsSpan(0, n));
            return (length, ~crc);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        await foreach (var item in _encoded.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            using (item)
            {
                long stored = 0;
                uint? crc = null;
                if (item.Streamed is { } streamedObject)
                {
                    (stored, crc) = await streamedObject.StoreAsync(ct).ConfigureAwait(false);
                }
                else if (item.Shard is { } shard)
                {
                    (stored, crc) = await StoreShardAsync(item.Key, shard, ct).ConfigureAwait(false);
                }
                else if (item.Bytes is { } bytes)
                {
                    await _writer.StoreObjectAsync(item.Key, bytes.Memory, ct).ConfigureAwait(false);
                    stored = bytes.Memory.Length;
                    crc = Kernels.Crc32C.Compute(bytes.Memory.Span); // the ledger keeps it for forge verify
                }

                _counters.Written(stored);
                _progress.ChunkWritten(item.Array, item.Key, stored);
                await _markDone(new StoredObject(item.Id, item.Key, stored, crc), ct).ConfigureAwait(false);
            }
        }
    }

    private sealed record Encoded(string Id, string Array, string Key, IMemoryOwner<byte>? Bytes, MemoryCharge? Charge, CompletedShard? Shard = null, StreamedObject? Streamed = null) : IDisposable
    {
        public void Dispose()
        {
            Bytes?.Dispose();
            Charge?.Dispose();
            Shard?.Dispose();
            Streamed?.Dispose();
        }
    }
}
