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
    Func<ObjectAccumulator, CancellationToken, ValueTask> complete,
    Func<StreamedObject, CancellationToken, ValueTask>? streamed = null,
    Lazy<string>? streamFolder = null)
{
    private readonly List<ArrayState> _arrays = [];
    private readonly Dictionary<string, ObjectAccumulator> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StreamedObject> _streams = new(StringComparer.Ordinal);
    private ReadAhead? _readAhead;
    private List<Job>? _jobs;
    private InputWindow? _window;
    private int _stage;
    private AccountedBuffer? _steps; // the steps of one object cut from a slab (stream strategy)
    private MemoryCharge? _encoderScratch; // what the encoder compressing a block uses (pooled arrays; one encoder at a time)

    /// <summary>Objects (or pieces) still open: zero after a pass that read every input it needed.</summary>
    public int OpenCount => _open.Count + _streams.Count;

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
                // Stream strategy: objects that cannot stream (small ones, sharded arrays) are assembled whole in the same pass.
                state.Streams = streamed is not null && SchedulePlanner.StreamsObjects(ds, state.Array, run.Request.StreamMemory);
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
                foreach (var o in _streams.Values) o.Dispose(); // their files are deleted: nothing half-written is published
                _streams.Clear();
            }

            ((IDisposable?)_steps)?.Dispose();
            _steps = null;
            _encoderScratch?.Dispose();
            _encoderScratch = null;
        }

        if (OpenCount > 0)
            throw new InvalidOperationException($"pass {pass.Number} ended with {OpenCount} incomplete objects (first: {_open.Keys.Concat(_streams.Keys).First()})");
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
                        if (streamed is not null && state.Streams) await ScatterStreamedAsync(state, slab, count, job.Segment.Start + t0, ct).ConfigureAwait(false);
                        else await ScatterAsync(state, slab, count, job.Segment.Start + t0, ct).ConfigureAwait(false);
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
        foreach (var (index, id, objStart, objCount, ov0, ov1) in OverlappedObjects(state, g0, n))
        {
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

    /// <summary>
    /// The stream strategy: the slab's steps of every object it overlaps go to that object's encoder, in concat
    /// order (the concat dimension is the objects' outermost, so they are the object's next bytes). A slab whose
    /// extent is the object's is passed as it is; otherwise the object's part is copied out first (zero where an
    /// edge object is padded).
    /// </summary>
    private async ValueTask ScatterStreamedAsync(ArrayState state, AccountedBuffer slab, long[] slabShape, long g0, CancellationToken ct)
    {
        var a = state.Array;
        int axis = state.Axis, rank = a.Rank, elem = a.ElementSize;
        if (axis != 0) throw new InvalidOperationException($"array '{a.Variable.Name}' cannot stream: '{run.Dataset.ConcatDim}' is not its outermost dimension");
        long n = slabShape[axis];
        var srcStart = new long[rank];
        var dstStart = new long[rank];
        var count = new long[rank];
        foreach (var (index, id, objStart, objCount, x0, x1) in OverlappedObjects(state, g0, n))
        {
            if (!_streams.TryGetValue(id, out var target))
            {
                target = await OpenStreamAsync(a, index, id, ct).ConfigureAwait(false);
                _streams[id] = target;
            }

            long steps = x1 - x0, elements = steps;
            bool whole = true, padded = false;
            for (int d = 1; d < rank; d++)
            {
                whole &= objStart[d] == state.Lo[d] && objCount[d] == state.Hi[d] - state.Lo[d];
                padded |= objCount[d] != a.ObjectShape[d];
                elements *= objCount[d];
            }

            long bytes = steps * target.StepBytes;
            if (whole && !padded)
            {
                target.Append(slab.Span.Slice(checked((int)((x0 - g0) * state.StepElements * elem)), checked((int)bytes)), steps);
            }
            else
            {
                var buffer = await StepBufferAsync(bytes, ct).ConfigureAwait(false);
                var dst = buffer.Span[..checked((int)bytes)];
                if (padded) dst.Clear(); // edge objects are stored at full size, zero beyond the array
                var dstShape = a.ObjectShape.ToArray();
                dstShape[axis] = steps;
                for (int d = 0; d < rank; d++)
                {
                    srcStart[d] = d == axis ? x0 - g0 : objStart[d] - state.Lo[d];
                    dstStart[d] = 0;
                    count[d] = d == axis ? steps : objCount[d];
                }

                BlockCopy.Copy(slab.Span, slabShape, srcStart, dst, dstShape, dstStart, count, elem);
                target.Append(dst, steps);
            }

            counters.Assembled(elements * elem);
            if (target.IsComplete)
            {
                _streams.Remove(id);
                try
                {
                    target.Finish();
                }
                catch
                {
                    target.Dispose();
                    throw;
                }

                await streamed!(target, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Starts a streamed object: its encoder (its blocks charged to the accumulator share) and its file (in place for a local target, else on scratch).</summary>
    private async ValueTask<StreamedObject> OpenStreamAsync(ArrayPlan a, long[] index, string id, CancellationToken ct)
    {
        if (!writer.TryCreateStreamEncoder(a, out var encoder))
            throw new InvalidOperationException($"object {id}: the plan streams it, but its codecs cannot encode it as it arrives");
        MemoryCharge? charge = null;
        StreamedObjectFile? file = null;
        try
        {
            var memory = encoder is null ? null : run.Request.StreamMemory?.Invoke(a);
            if (memory is { Scratch: > 0 } && _encoderScratch is null)
                _encoderScratch = await accumulators.ChargeAsync(run.Plan.Arrays.Select(x => x.AssemblyUnits).Where(x => SchedulePlanner.StreamsObjects(run.Dataset, x, run.Request.StreamMemory)).Max(x => run.Request.StreamMemory!(x)!.Value.Scratch), "the scratch of the streaming encoder", ct).ConfigureAwait(false);
            charge = await accumulators.ChargeAsync(memory?.Held ?? 0, $"streaming object {id}", ct).ConfigureAwait(false);
            string key = writer.ObjectKey(a, index);
            if (writer.CreateObjectFile(key) is { } path)
            {
                file = new StreamedObjectFile(path, (f, _) =>
                {
                    writer.PublishObjectFile(f.Path, key);
                    return ValueTask.CompletedTask;
                });
            }
            else
            {
                var folder = (streamFolder ?? throw new InvalidOperationException("no scratch folder for streamed objects")).Value;
                file = new StreamedObjectFile(Path.Combine(folder, id.Replace('/', '_')), async (f, token) =>
                {
                    await using (var content = f.OpenRead()) await writer.StoreObjectAsync(key, content, f.Length, token).ConfigureAwait(false);
                    File.Delete(f.Path);
                });
            }

            return new StreamedObject(a, index, key, encoder, file, charge);
        }
        catch
        {
            encoder?.Dispose();
            charge?.Dispose();
            file?.Dispose();
            throw;
        }
    }

    /// <summary>One buffer for the steps of one object cut from a slab, kept for the pass (scatters take turns).</summary>
    private async ValueTask<AccountedBuffer> StepBufferAsync(long bytes, CancellationToken ct)
    {
        if (_steps is not null && _steps.Length >= bytes) return _steps;
        ((IDisposable?)_steps)?.Dispose();
        _steps = null;
        _steps = await accumulators.RentAsync(bytes, "the steps of one streamed object", ct).ConfigureAwait(false);
        return _steps;
    }

    /// <summary>
    /// The pass's objects of <paramref name="state"/> that steps [<paramref name="g0"/>, g0 + <paramref name="n"/>)
    /// along concat overlap: index, id, region in the array, and the overlap [From, To) along concat.
    /// </summary>
    private static IEnumerable<(long[] Index, string Id, long[] Start, long[] Count, long From, long To)> OverlappedObjects(ArrayState state, long g0, long n)
    {
        var a = state.Array;
        int axis = state.Axis;
        long chunk = a.ObjectShape[axis];
        foreach (var column in state.Columns)
        {
            for (long o = g0 / chunk; o <= (g0 + n - 1) / chunk; o++)
            {
                var index = (long[])column.Clone();
                index[axis] = o;
                var id = a.ObjectId(index);
                if (!state.Needed.Contains(id)) continue;
                var (start, count) = a.ObjectRegion(index);
                yield return (index, id, start, count, Math.Max(g0, start[axis]), Math.Min(g0 + n, start[axis] + count[axis]));
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
        foreach (var (index, _, region, _, from, to) in OverlappedObjects(state, lo, hi - lo))
        {
            long objStart = region[state.Axis];
            for (long p = (from - objStart) / s; p <= (to - 1 - objStart) / s; p++)
            {
                if (!PieceDone(a, index, objStart + (p * s))) return false;
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

        /// <summary>True when the pass encodes this array's objects as their steps arrive (stream strategy).</summary>
        public bool Streams { get; set; }

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
