using System.Threading.Channels;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;
using Forge.Core.Execution.Memory;
using Forge.Core.Kernels;
using Forge.Core.Planning;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// One pass over the inputs in concat order: each input the pass needs is opened and decoded once, in slabs (runs
/// of concat steps over the bounding box of the pass's objects), on every decode worker; slabs are scattered in
/// concat order into accumulators (objects, inner chunks of a sharded array, or spill pieces of <c>pieceSteps</c>
/// steps); a complete accumulator goes to <c>complete</c> at once.
/// </summary>
internal sealed class InputPass(
    PreparedRun run,
    IDatasetOpener opener,
    ITargetWriter writer,
    PassPlan pass,
    ExecutionSchedule schedule,
    IReadOnlySet<string> done,
    MemoryAccount accumulators,
    MemoryAccount decode,
    PipelineCounters counters,
    bool spill,
    Func<ObjectAccumulator, CancellationToken, ValueTask> complete)
{
    private readonly List<ArrayState> _arrays = [];
    private readonly Dictionary<string, ObjectAccumulator> _open = new(StringComparer.Ordinal);
    private ReadAhead? _readAhead;
    private List<Job>? _jobs;
    private InputWindow? _window;
    private int _stage;

    /// <summary>Objects (or pieces) still open: zero after a pass that read every input it needed.</summary>
    public int OpenCount => _open.Count;

    /// <summary>Only the inputs of these concat keys are read (a staged run's stage-1 shard); null: every input.</summary>
    public Func<int, bool>? ConcatKeys { get; init; }

    /// <summary>Concat steps per piece of an array (a staged run's piece layout); null: the schedule's spill steps.</summary>
    public Func<ArrayPlan, long>? PieceStepsOf { get; init; }

    /// <summary>
    /// Pieces already stored (a resumed stage 1): (array, object index, the piece's first concat step). They are not
    /// assembled again, and an input whose pieces are all done is not read.
    /// </summary>
    public Func<ArrayPlan, long[], long, bool>? PieceDone { get; init; }

    /// <summary>The inputs this pass decodes, in the order it decodes them (each once): what the input window fetches for it.</summary>
    public IReadOnlyList<(int Concat, int Merge)> Inputs => [.. Jobs.Select(j => (j.Input.ConcatIndex, j.Input.MergeIndex))];

    /// <summary>One job per input the pass needs (objects still to write overlap its steps), in concat order.</summary>
    private List<Job> Jobs
    {
        get
        {
            if (_jobs is not null) return _jobs;
            var ds = run.Dataset;
            foreach (var pa in pass.Arrays)
            {
                var units = run.Plan.GetArray(pa.Array).AssemblyUnits;
                var state = new ArrayState(units, ds.ConcatDim, pa.Columns, done, spill ? Math.Max(1, PieceStepsOf?.Invoke(units) ?? schedule.SpillSteps) : 0);
                if (state.Needed.Count > 0) _arrays.Add(state);
            }

            var jobs = new List<Job>();
            foreach (var seg in ds.Segments.Where(s => s.Length > 0 && (ConcatKeys is null || ConcatKeys(s.ConcatIndex))).OrderBy(s => s.Start))
            {
                foreach (var group in _arrays.Where(a => a.Overlaps(seg.Start, seg.Start + seg.Length) && !AllPiecesDone(a, seg)).GroupBy(a => a.Array.Variable.MergeIndex).OrderBy(g => g.Key))
                    jobs.Add(new Job(jobs.Count, seg, ds.Input(seg.ConcatIndex, group.Key), [.. group]));
            }

            return _jobs = jobs;
        }
    }

    /// <param name="window">Fetches this pass's inputs ahead of the decoders and deletes each after its use.</param>
    /// <param name="stage">This pass's stage number in <paramref name="window"/>.</param>
    public async Task RunAsync(PipelineFailure failure, InputWindow window, int stage)
    {
        _window = window;
        _stage = stage;
        var jobs = Jobs;
        var queue = Channel.CreateUnbounded<Job>();
        foreach (var j in jobs) queue.Writer.TryWrite(j);
        queue.Writer.Complete();
        var turns = new ScatterTurns(jobs.Count);
        var ct = failure.Token;
        // Cold page cache: the next local inputs are read by the kernel while the current ones are decoded (inputs the
        // window fetches arrive through the page cache already).
        var readAhead = new ReadAhead([.. jobs.Select(j => run.Files.TryGetValue((j.Input.ConcatIndex, j.Input.MergeIndex), out var f) && !f.IsTemporary ? f.LocalPath : null)]);
        readAhead.Started(-1);
        _readAhead = readAhead;
        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(schedule.DecodeWorkers, jobs.Count))).Select(_ => Task.Run(async () =>
        {
            try
            {
                await foreach (var job in queue.Reader.ReadAllAsync(ct).ConfigureAwait(false)) await RunJobAsync(job, turns, ct).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure.Fail(ex);
                throw;
            }
        })).ToArray();
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            await readAhead.DrainAsync().ConfigureAwait(false);
            if (failure.IsCancellationRequested)
            {
                foreach (var a in _open.Values) a.Dispose();
                _open.Clear();
            }
        }

        if (_open.Count > 0)
            throw new InvalidOperationException($"pass {pass.Number} ended with {_open.Count} incomplete objects (first: {_open.Keys.First()})");
    }

    private async Task RunJobAsync(Job job, ScatterTurns turns, CancellationToken ct)
    {
        _readAhead?.Started(job.Seq);
        // An input of the store's finished part that was not fetched (an append): its steps are read back from the store.
        var key = (job.Input.ConcatIndex, job.Input.MergeIndex);
        var stored = !run.Files.ContainsKey(key) && !run.Streamed.ContainsKey(key);
        if (stored && (run.Base is not { } b || job.Segment.Start + job.Segment.Length > b.ConcatLength))
            throw new InvalidOperationException($"{job.Input.Source} was not fetched, but its steps are not in the store's finished part");
        IDatasetReader? reader = null;
        bool myTurn = false;
        try
        {
            if (!stored)
            {
                var file = await _window!.AcquireAsync(_stage, key, ct).ConfigureAwait(false);
                try
                {
                    reader = await opener.OpenAsync(file.LocalPath, run.Request.Format, run.Request.FormatOptions, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not DataException)
                {
                    throw new DataException($"{job.Input.Source}: {ex.Message}", ex);
                }

                counters.InputOpened();
            }

            foreach (var state in job.Arrays)
            {
                var v = state.Array.Variable;
                var conversion = stored ? new ElementConversion(v.DataType, v.DataType, null) : InputConversion.For(job.Input, v);
                int srcElem = stored ? state.Array.ElementSize : InputConversion.SourceElementSize(job.Input, v.Name), tgtElem = state.Array.ElementSize;
                long stepElements = state.StepElements;
                // Cut like the planner counted (full-row steps), so the open set is what it planned.
                long steps = SchedulePlanner.SlabSteps(run.Dataset, state.Array, schedule.SlabBytes);
                for (long t0 = 0; t0 < job.Segment.Length; t0 += steps)
                {
                    long n = Math.Min(steps, job.Segment.Length - t0);
                    var start = (long[])state.Lo.Clone();
                    var count = state.Hi.Select((h, d) => h - state.Lo[d]).ToArray();
                    start[state.Axis] = t0;
                    count[state.Axis] = n;
                    var slab = await decode.RentAsync(n * stepElements * srcElem, $"a slab of '{v.Name}' from {job.Input.Source}", ct).ConfigureAwait(false);
                    try
                    {
                        if (reader is null)
                        {
                            start[state.Axis] = job.Segment.Start + t0; // the store's coordinates, not the input's
                            await writer.ReadStoredAsync(state.Array, start, count, slab.Memory, ct).ConfigureAwait(false);
                        }
                        else
                        {
                            await InputReading.ReadAsync(reader, job.Input, v.Name, start, count, slab.Memory, ct).ConfigureAwait(false);
                        }

                        counters.Decoded(slab.Length);
                        if (!conversion.IsCopy)
                        {
                            var converted = await decode.RentAsync(n * stepElements * tgtElem, $"converting '{v.Name}' from {job.Input.Source}", ct).ConfigureAwait(false);
                            conversion.Apply(slab.Span, converted.Span);
                            ((IDisposable)slab).Dispose();
                            slab = converted;
                        }

                        if (!myTurn)
                        {
                            await turns.WaitAsync(job.Seq, ct).ConfigureAwait(false);
                            myTurn = true;
                        }

                        count[state.Axis] = n;
                        await ScatterAsync(state, slab, count, job.Segment.Start + t0, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        ((IDisposable)slab).Dispose();
                    }
                }
            }
        }
        finally
        {
            if (reader is not null) await reader.DisposeAsync().ConfigureAwait(false);
            if (!stored) await _window!.ReleaseAsync(_stage, key).ConfigureAwait(false);
        }

        if (!myTurn) await turns.WaitAsync(job.Seq, ct).ConfigureAwait(false);
        turns.Done(job.Seq);
    }

    /// <summary>Copies a slab (steps [g0, g0+n) of the array along concat, the pass's bounding box elsewhere) into the accumulators it overlaps.</summary>
    private async ValueTask ScatterAsync(ArrayState state, AccountedBuffer slab, long[] slabShape, long g0, CancellationToken ct)
    {
        var a = state.Array;
        int axis = state.Axis, rank = a.Rank, elem = a.ElementSize;
        long n = slabShape[axis], chunk = a.ObjectShape[axis];
        var srcStart = new long[rank];
        var dstStart = new long[rank];
        var count = new long[rank];
        foreach (var column in state.Columns)
        {
            for (long o = g0 / chunk; o <= (g0 + n - 1) / chunk; o++)
            {
                var index = (long[])column.Clone();
                index[axis] = o;
                var id = a.ObjectId(index);
                if (!state.Needed.Contains(id)) continue;
                var (objStart, objCount) = a.ObjectRegion(index);
                long ov0 = Math.Max(g0, objStart[axis]), ov1 = Math.Min(g0 + n, objStart[axis] + objCount[axis]);
                long s = state.PieceSteps > 0 ? state.PieceSteps : chunk;
                for (long p = (ov0 - objStart[axis]) / s; p <= (ov1 - 1 - objStart[axis]) / s; p++)
                {
                    long pStart = objStart[axis] + (p * s), pEnd = Math.Min(objStart[axis] + ((p + 1) * s), objStart[axis] + objCount[axis]);
                    string key = state.PieceSteps > 0 ? $"{id}#{p}" : id;
                    if (!_open.TryGetValue(key, out var acc))
                    {
                        if (PieceDone?.Invoke(a, index, pStart) == true) continue;
                        var shape = a.ObjectShape.ToArray();
                        if (state.PieceSteps > 0) shape[axis] = pEnd - pStart;
                        long expected = pEnd - pStart;
                        bool padded = shape[axis] != pEnd - pStart;
                        for (int d = 0; d < rank; d++)
                        {
                            if (d == axis) continue;
                            expected *= objCount[d];
                            padded |= objCount[d] != shape[d];
                        }

                        long bytes = shape.Aggregate((long)elem, (x, y) => x * y);
                        var buffer = await accumulators.RentAsync(bytes, $"object {id}", ct).ConfigureAwait(false);
                        if (padded) buffer.Span.Clear(); // edge objects are stored at full size, zero beyond the array
                        acc = new ObjectAccumulator(a, index, shape, pStart, buffer, expected);
                        _open[key] = acc;
                    }

                    long x0 = Math.Max(ov0, pStart), x1 = Math.Min(ov1, pEnd);
                    long elements = x1 - x0;
                    for (int d = 0; d < rank; d++)
                    {
                        if (d == axis)
                        {
                            srcStart[d] = x0 - g0;
                            dstStart[d] = x0 - pStart;
                            count[d] = x1 - x0;
                        }
                        else
                        {
                            srcStart[d] = objStart[d] - state.Lo[d];
                            dstStart[d] = 0;
                            count[d] = objCount[d];
                            elements *= objCount[d];
                        }
                    }

                    BlockCopy.Copy(slab.Span, slabShape, srcStart, acc.Buffer.Span, acc.Shape, dstStart, count, elem);
                    counters.Assembled(elements * elem);
                    if (acc.Add(elements))
                    {
                        _open.Remove(key);
                        await complete(acc, ct).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>True when every piece of <paramref name="state"/>'s objects that <paramref name="seg"/> fills is already stored.</summary>
    private bool AllPiecesDone(ArrayState state, ConcatSegment seg)
    {
        if (PieceDone is null) return false;
        var a = state.Array;
        long chunk = a.ObjectShape[state.Axis], s = state.PieceSteps > 0 ? state.PieceSteps : chunk;
        long lo = seg.Start, hi = seg.Start + seg.Length;
        foreach (var column in state.Columns)
        {
            for (long o = lo / chunk; o <= (hi - 1) / chunk; o++)
            {
                var index = (long[])column.Clone();
                index[state.Axis] = o;
                if (!state.Needed.Contains(a.ObjectId(index))) continue;
                long objStart = o * chunk, objEnd = Math.Min(objStart + chunk, a.Shape[state.Axis]);
                long from = Math.Max(lo, objStart), to = Math.Min(hi, objEnd);
                for (long p = (from - objStart) / s; p <= (to - 1 - objStart) / s; p++)
                {
                    if (!PieceDone(a, index, objStart + (p * s))) return false;
                }
            }
        }

        return true;
    }

    private sealed record Job(int Seq, ConcatSegment Segment, InputDataset Input, IReadOnlyList<ArrayState> Arrays);

    /// <summary>One array's part of the pass: its columns, their bounding box, the objects still to write.</summary>
    private sealed class ArrayState
    {
        public ArrayState(ArrayPlan array, string concatDim, IReadOnlyList<System.Collections.Immutable.ImmutableArray<long>> columns, IReadOnlySet<string> done, long pieceSteps)
        {
            Array = array;
            Axis = array.Variable.ConcatAxis(concatDim);
            Columns = [.. columns.Select(c => c.ToArray())];
            PieceSteps = pieceSteps >= array.ObjectShape[Axis] ? 0 : pieceSteps;
            Lo = new long[array.Rank];
            Hi = new long[array.Rank];
            for (int d = 0; d < array.Rank; d++)
            {
                if (d == Axis) continue;
                Lo[d] = Columns.Min(c => c[d]) * array.ObjectShape[d];
                Hi[d] = Math.Min(array.Shape[d], (Columns.Max(c => c[d]) + 1) * array.ObjectShape[d]);
            }

            StepElements = Enumerable.Range(0, array.Rank).Where(d => d != Axis).Aggregate(1L, (x, d) => x * (Hi[d] - Lo[d]));
            for (long o = 0; o < array.ObjectGrid[Axis]; o++)
            {
                foreach (var c in Columns)
                {
                    var index = (long[])c.Clone();
                    index[Axis] = o;
                    if (!done.Contains(array.DoneId(index)))
                    {
                        Needed.Add(array.ObjectId(index));
                        NeededConcat.Add(o);
                    }
                }
            }
        }

        public ArrayPlan Array { get; }

        public int Axis { get; }

        public long[][] Columns { get; }

        /// <summary>Concat steps per spill piece; 0 when accumulators are whole objects.</summary>
        public long PieceSteps { get; }

        public long[] Lo { get; }

        public long[] Hi { get; }

        public long StepElements { get; }

        public HashSet<string> Needed { get; } = new(StringComparer.Ordinal);

        private SortedSet<long> NeededConcat { get; } = [];

        /// <summary>True when some object still to write overlaps concat steps [lo, hi).</summary>
        public bool Overlaps(long lo, long hi)
        {
            long chunk = Array.ObjectShape[Axis];
            return NeededConcat.GetViewBetween(lo / chunk, (hi - 1) / chunk).Count > 0;
        }
    }
}
