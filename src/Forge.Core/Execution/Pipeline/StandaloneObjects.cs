using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Execution.Memory;
using Forge.Core.Kernels;
using Forge.Core.Planning;
using System.Runtime.InteropServices;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// Objects of arrays outside the passes: arrays without the concat dimension (read once, from the first input of
/// their merge group) and the concat coordinate re-encoded in the schema pass (from memory).
/// </summary>
internal static class StandaloneObjects
{
    /// <summary>The input each object still to write reads (one entry per object; the window stage of these objects).</summary>
    public static IReadOnlyList<(int Concat, int Merge)> Inputs(PreparedRun run, IEnumerable<ArrayPlan> arrays, IReadOnlySet<string> done) =>
        [.. Objects(arrays, done).Where(o => !SchedulePlanner.IsComputedCoordinate(run.Dataset, o.Array.Variable)).Select(o => (0, o.Array.Variable.MergeIndex))];

    // Grouped by the input they read, in the window's order: a worker never waits for an input the window cannot
    // admit while objects of an earlier one are still to start.
    private static List<(ArrayPlan Array, long[] Index)> Objects(IEnumerable<ArrayPlan> arrays, IReadOnlySet<string> done) =>
        arrays.SelectMany(a => a.ObjectIndices().Select(ix => (Array: a, Index: ix))).Where(o => !done.Contains(o.Array.ObjectId(o.Index)))
            .OrderBy(o => o.Array.Variable.MergeIndex).ToList();

    /// <param name="window">Serves the inputs (stage 0) and deletes each after its last use.</param>
    public static async Task RunAsync(PreparedRun run, IDatasetOpener opener, ITargetWriter writer, IEnumerable<ArrayPlan> arrays, IReadOnlySet<string> done, MemoryAccount accumulators, MemoryAccount decode, PipelineCounters counters, int workers, Func<ObjectAccumulator, CancellationToken, ValueTask> complete, InputWindow window, CancellationToken ct)
    {
        // One merge group's objects at a time (they read the same input), each worker opening that input once for all
        // the objects it takes: an open per object cost the input's variable count each time, so a file with many
        // variables without the concat dimension made this stage quadratic in variables.
        foreach (var group in Objects(arrays, done).GroupBy(o => o.Array.Variable.MergeIndex))
        {
            var items = group.ToList();
            int next = -1;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            async Task Work()
            {
                await using var held = new HeldInput(opener, run, window);
                try
                {
                    for (int i = Interlocked.Increment(ref next); i < items.Count; i = Interlocked.Increment(ref next))
                    {
                        stop.Token.ThrowIfCancellationRequested();
                        var (array, index) = items[i];
                        var acc = await FillAsync(run, writer, array, index, accumulators, decode, counters, held, stop.Token).ConfigureAwait(false);
                        await complete(acc, stop.Token).ConfigureAwait(false);
                    }
                }
                catch
                {
                    await stop.CancelAsync().ConfigureAwait(false); // the others stop at their next object, as Parallel.ForEachAsync did
                    throw;
                }
            }

            var tasks = Enumerable.Range(0, Math.Clamp(workers, 1, Math.Max(1, items.Count))).Select(_ => Task.Run(Work, stop.Token)).ToList();
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch when (tasks.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException is { } first && first is not OperationCanceledException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first); // the failure, not a cancellation it caused
            }
        }
    }

    /// <summary>
    /// One worker's open input: opened at its first use and kept for the next objects of the same input. The window's
    /// uses are released after the reader is closed, so the input's file is never deleted under an open reader.
    /// </summary>
    private sealed class HeldInput(IDatasetOpener opener, PreparedRun run, InputWindow window) : IAsyncDisposable
    {
        private readonly List<(int Concat, int Merge)> _uses = [];
        private IDatasetReader? _reader;
        private string? _path;

        public async ValueTask<IDatasetReader> ReaderAsync((int Concat, int Merge) key, CancellationToken ct)
        {
            var file = await window.AcquireAsync(0, key, ct).ConfigureAwait(false);
            _uses.Add(key);
            if (_reader is not null && _path == file.LocalPath) return _reader;
            if (_reader is not null) await _reader.DisposeAsync().ConfigureAwait(false);
            _reader = null;
            _reader = await opener.OpenAsync(file.LocalPath, run.Request.Format, run.Request.FormatOptions, ct).ConfigureAwait(false);
            _path = file.LocalPath;
            return _reader;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (_reader is not null) await _reader.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                _reader = null;
                foreach (var key in _uses) await window.ReleaseAsync(0, key).ConfigureAwait(false);
                _uses.Clear();
            }
        }
    }

    private static async Task<ObjectAccumulator> FillAsync(PreparedRun run, ITargetWriter writer, ArrayPlan a, long[] index, MemoryAccount accumulators, MemoryAccount decode, PipelineCounters counters, HeldInput held, CancellationToken ct)
    {
        var ds = run.Dataset;
        var v = a.Variable;
        var (start, count) = a.ObjectRegion(index);
        long elements = count.Aggregate(1L, (x, y) => x * y);
        var shape = a.ObjectShape.ToArray();
        var buffer = await accumulators.RentAsync(a.ObjectBytes, $"object {a.ObjectId(index)}", ct).ConfigureAwait(false);
        try
        {
            if (!count.SequenceEqual(shape)) buffer.Span.Clear();
            if (SchedulePlanner.IsComputedCoordinate(ds, v))
            {
                // The concat coordinate was re-encoded in the schema pass: its values are in memory.
                var values = ds.ConcatCoordinate.AsSpan().Slice((int)start[0], (int)count[0]);
                new ElementConversion(DataType.Float64, v.DataType, null).Apply(MemoryMarshal.AsBytes(values), buffer.Span[..(int)(count[0] * a.ElementSize)]);
            }
            else if (!run.Files.ContainsKey((0, v.MergeIndex)) && !run.Streamed.ContainsKey((0, v.MergeIndex)))
            {
                // Not fetched (an append): the store already holds this array, read it back.
                using var stored = await decode.RentAsync(elements * a.ElementSize, $"'{v.Name}' from {writer.Url}", ct).ConfigureAwait(false);
                await writer.ReadStoredAsync(a, start, count, stored.Memory, ct).ConfigureAwait(false);
                BlockCopy.Copy(stored.Span, count, new long[count.Length], buffer.Span, shape, new long[count.Length], count, a.ElementSize);
            }
            else
            {
                var input = ds.Input(0, v.MergeIndex);
                var conversion = InputConversion.For(input, v);
                var reader = await held.ReaderAsync((input.ConcatIndex, input.MergeIndex), ct).ConfigureAwait(false);
                using var raw = await decode.RentAsync(elements * InputConversion.SourceElementSize(input, v.Name), $"'{v.Name}' from {input.Source}", ct).ConfigureAwait(false);
                await InputReading.ReadAsync(reader, input, v.Name, start, count, raw.Memory, ct).ConfigureAwait(false);
                counters.Decoded(raw.Length);
                if (conversion.IsCopy)
                {
                    BlockCopy.Copy(raw.Span, count, new long[count.Length], buffer.Span, shape, new long[count.Length], count, a.ElementSize);
                }
                else
                {
                    using var converted = await decode.RentAsync(elements * a.ElementSize, $"converting '{v.Name}' from {input.Source}", ct).ConfigureAwait(false);
                    conversion.Apply(raw.Span, converted.Span);
                    BlockCopy.Copy(converted.Span, count, new long[count.Length], buffer.Span, shape, new long[count.Length], count, a.ElementSize);
                }
            }

            counters.Assembled(elements * a.ElementSize);
            var acc = new ObjectAccumulator(a, index, shape, 0, buffer, elements);
            acc.Add(elements);
            return acc;
        }
        catch
        {
            ((IDisposable)buffer).Dispose();
            throw;
        }
    }
}
