using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Planning;

/// <summary>
/// Splits <c>run.max_memory</c> between the stages and decides how the objects are grouped: one pass, several
/// passes over groups of objects, or one pass that spills pieces to an intermediate store, whichever the cost
/// model (<see cref="PlanCosts"/>: decoding, first touch of fresh memory, scratch I/O) finds cheaper (docs/engine.md).
/// </summary>
internal static class SchedulePlanner
{
    private const long MiB = 1L << 20;

    // Blocks from this size up are reused within a run (Execution/Memory/LargeBlockCache): touched fresh only once.
    private const long LargeBlockBytes = 2 * MiB;

    // Codec buffers from this size up are exact-size native memory, not pooled arrays (Codecs/PooledBuffer).
    private const long NativeBufferBytes = 1 * MiB;

    /// <param name="streamMemory">Memory one streamed object of an array holds in its encoder, or null when the array's codecs cannot stream (null: nothing streams).</param>
    public static ExecutionSchedule Plan(TargetDataset ds, ImmutableArray<ArrayPlan> stored, long maxMemory, int workers, RechunkStrategy? forced = null, PlanCosts? costs = null, Func<ArrayPlan, (long Held, long Scratch)?>? streamMemory = null)
    {
        costs ??= PlanCosts.Machine;
        // Streamed sharded arrays are assembled inner chunk by inner chunk: the planner counts inner chunks.
        var arrays = stored.Select(a => a.ObjectCount > 0 && IsStreamed(ds, a) ? a.AssemblyUnits : a).ToImmutableArray();
        var streamed = arrays.Where(a => a.ObjectCount > 0 && IsStreamed(ds, a)).ToList();
        var alone = arrays.Where(a => a.ObjectCount > 0 && !IsStreamed(ds, a)).ToList();
        long maxEncode = arrays.Where(a => a.ObjectCount > 0).Select(EncodeCharge).DefaultIfEmpty(0).Max();
        long slab = SlabBytes(ds, streamed, alone, maxMemory);
        long readerScratch = ReaderScratch(ds, streamed.Concat(alone));
        long decodePer = slab + readerScratch;
        long minAlone = alone.Select(a => a.ObjectBytes).DefaultIfEmpty(0).Max();
        var columnBytes = streamed.ToDictionary(a => a.Variable.Name, a => Touched(ds, a, a.ObjectShape[ConcatAxis(ds, a)], SlabSteps(ds, a, slab)) * a.ObjectBytes);
        long minColumn = columnBytes.Values.DefaultIfEmpty(0).Max();
        long minObject = Math.Max(minAlone, streamed.Select(a => a.ObjectBytes).DefaultIfEmpty(0).Max());

        // Preference: most parallel first (decoders, then encoded objects alive), fewest passes above all.
        var candidates = new List<(int Decoders, int Encoded)>();
        for (int d = workers; d >= 1; d--)
            for (int k = workers + 1; k >= 1; k--)
                candidates.Add((d, k));

        var options = new List<ExecutionSchedule>();
        var byName = ByName(arrays);
        foreach (var (d, k) in candidates)
        {
            long acc = maxMemory - (d * decodePer) - (k * maxEncode);
            if (acc < minObject) continue;
            var shares = new MemoryShares(acc, d * decodePer, k * maxEncode);
            int encoders = Math.Min(workers, k);
            if (acc >= minColumn)
            {
                var passes = GroupColumns(ds, streamed, columnBytes, acc);
                long decode = passes.Sum(p => DecodeBytes(ds, byName, p)) + alone.Sum(a => a.ObjectCount * a.ObjectBytes);
                long open = passes.Select(p => p.Arrays.Sum(pa => pa.Columns.Length * columnBytes[pa.Array])).DefaultIfEmpty(0).Max();
                var strategy = passes.Length <= 1 ? RechunkStrategy.SinglePass : RechunkStrategy.MultiPass;
                options.Add(new ExecutionSchedule(strategy, passes, shares, d, encoders, k, open, decode, 0, slab, 0, ""));
            }

            if (SpillOption(ds, streamed, arrays, acc, shares, d, encoders, k, slab, alone, costs) is { } spill) options.Add(spill);
            if (StreamOption(ds, streamed, arrays, acc, shares, d, encoders, k, slab, alone, streamMemory) is { } stream) options.Add(stream);
        }

        // run.strategy: single = one pass or a plan error; passes = never spill; spill = spill whenever there is
        // anything to spill (when every open object fits, pieces would be whole objects: the single pass is the same plan).
        string? note = null;
        var allowed = forced switch
        {
            RechunkStrategy.SinglePass => options.Where(o => o.Strategy == RechunkStrategy.SinglePass).ToList(),
            RechunkStrategy.MultiPass => options.Where(o => o.Strategy is RechunkStrategy.SinglePass or RechunkStrategy.MultiPass).ToList(),
            RechunkStrategy.Stream => options.Where(o => o.Strategy == RechunkStrategy.Stream).ToList(),
            RechunkStrategy.Spill when options.Any(o => o.Strategy == RechunkStrategy.Spill) => options.Where(o => o.Strategy == RechunkStrategy.Spill).ToList(),
            _ => options,
        };
        if (forced == RechunkStrategy.Spill && allowed.All(o => o.Strategy != RechunkStrategy.Spill) && allowed.Count > 0)
            note = "run.strategy spill: nothing to spill (every open object fits), so one pass";
        if (forced == RechunkStrategy.Stream && allowed.Count == 0 && options.Count > 0)
            throw new PlanException($"run.strategy stream: {(streamed.Count == 0 ? "no array along the concat dimension" : string.Join("; ", streamed.Select(a => StreamRefusal(ds, a, streamMemory)).OfType<string>()))}; use strategy auto");
        if (allowed.Count == 0 && options.Count > 0)
        {
            string name = forced == RechunkStrategy.SinglePass ? "single" : "passes";
            throw new PlanException(
                $"run.strategy {name}: the objects open at once ({Sizes.Format(minColumn)} per column of objects along '{ds.ConcatDim}', " +
                $"{Sizes.Format(streamed.Sum(a => ColumnCount(ds, a) * columnBytes[a.Variable.Name]))} in all) cannot be assembled " +
                $"{(forced == RechunkStrategy.SinglePass ? "in one pass" : "without spilling")} within max_memory = {Sizes.Format(maxMemory)}; use strategy auto{(forced == RechunkStrategy.SinglePass ? ", passes" : "")} or spill, or raise run.max_memory");
        }

        ExecutionSchedule? best = null;
        double bestCost = double.MaxValue;
        foreach (var option in allowed)
        {
            double cost = Cost(ds, arrays, option, costs).Total;
            // A more parallel candidate wins ties; only a cheaper plan (by 5 %) replaces an earlier one, except that
            // streaming wins a tie with the plan of the same parallelism (it holds less memory for the same work).
            if (best is null || cost < bestCost * 0.95 || (option.Strategy == RechunkStrategy.Stream && best.Strategy != RechunkStrategy.Stream && option.DecodeWorkers == best.DecodeWorkers && option.WritesInFlight == best.WritesInFlight && cost <= bestCost))
            {
                best = option;
                bestCost = cost;
            }
        }

        if (best is null)
        {
            var worst = arrays.Where(a => a.ObjectCount > 0).MaxBy(a => a.ObjectBytes + EncodeCharge(a))!;
            long need = worst.ObjectBytes + EncodeCharge(worst) + decodePer;
            // When decoding the inputs is the larger part (a deflate bomb: one huge stored chunk), smaller target
            // chunks do not help: name the input, the variable and its stored chunk instead.
            var input = decodePer >= worst.ObjectBytes + EncodeCharge(worst) ? LargestInputChunk(ds, arrays) : null;
            throw new PlanException(
                $"array '{worst.Variable.Name}': one {(worst.ShardShape is not null ? "shard" : worst.ShardOf is not null ? "inner chunk" : "chunk")} of shape ({string.Join(", ", worst.ObjectShape)}) is {Sizes.Format(worst.ObjectBytes)}; " +
                $"assembling ({Sizes.Format(worst.ObjectBytes)}), encoding ({Sizes.Format(EncodeCharge(worst))}, pool rounding included) and decoding one input slab ({Sizes.Format(decodePer)}) need {Sizes.Format(need)}, " +
                $"more than max_memory = {Sizes.Format(maxMemory)}; " +
                (input is null ? "raise run.max_memory or use smaller chunks" : $"decoding is the larger part: {input}; raise run.max_memory or rechunk the input (nccopy -c)"));
        }

        if (forced != RechunkStrategy.Spill && best.Strategy == RechunkStrategy.Spill && double.IsInfinity(bestCost))
            throw new PlanException(
                $"the objects open at once do not fit max_memory = {Sizes.Format(maxMemory)} and spilling needs {Sizes.Format(best.IntermediateBytes)} of intermediate, " +
                $"more than the {Sizes.Format(costs.ScratchFreeBytes ?? 0)} free in the scratch folder; use run.scratch / --scratch with more room or raise run.max_memory");

        // The cheapest plan of each other strategy, for the comparison `forge plan` shows.
        var others = allowed.Where(o => o.Strategy != best.Strategy).GroupBy(o => o.Strategy)
            .Select(g => g.MinBy(o => Cost(ds, arrays, o, costs).Total)!).ToList();
        string reason = Explain(ds, arrays, best, others, minColumn, costs);
        if (forced is { } f && note is null) reason = $"run.strategy {f switch { RechunkStrategy.SinglePass => "single", RechunkStrategy.MultiPass => "passes", RechunkStrategy.Stream => "stream", _ => "spill" }}: {reason}";
        return best with { Reason = note is null ? reason : $"{note}: {reason}" };
    }

    /// <summary>
    /// The spill plan for an accumulator share of <paramref name="acc"/> bytes, or null when nothing would be spilled.
    /// The piece length (concat steps) is the cheapest by the cost model among those whose open pieces fit: shorter
    /// pieces touch less fresh memory, each piece costs a write and a read.
    /// </summary>
    private static ExecutionSchedule? SpillOption(TargetDataset ds, List<ArrayPlan> streamed, ImmutableArray<ArrayPlan> arrays, long acc, MemoryShares shares, int d, int encoders, int k, long slab, List<ArrayPlan> alone, PlanCosts costs)
    {
        if (streamed.Count == 0) return null;
        long maxSteps = streamed.Max(a => a.ObjectShape[ConcatAxis(ds, a)]);
        long Open(long s) => streamed.Sum(a => ColumnCount(ds, a) * Touched(ds, a, Math.Min(s, a.ObjectShape[ConcatAxis(ds, a)]), SlabSteps(ds, a, slab)) * PieceBytes(ds, a, s));
        if (Open(1) > acc) return null;

        // Largest piece length whose open pieces fit (pieces never straddle objects).
        long lo = 1, hi = maxSteps;
        while (lo < hi)
        {
            long mid = (lo + hi + 1) / 2;
            if (Open(mid) <= acc) lo = mid;
            else hi = mid - 1;
        }

        long pieces(long s) => streamed.Sum(a => a.ObjectCount * ((a.ObjectShape[ConcatAxis(ds, a)] + s - 1) / s));
        double PieceCost(long s) => (Open(s) / 1e9 * costs.FirstTouchSecondsPerGB) + (pieces(s) * costs.PieceSeconds);
        // Pieces below the large-block size are fresh memory every time (they are not kept for reuse): the
        // candidates start at the length whose pieces of the largest array reach it.
        var largest = streamed.MaxBy(a => a.ObjectBytes)!;
        long stepBytes = Math.Max(1, largest.ObjectBytes / largest.ObjectShape[ConcatAxis(ds, largest)]);
        long first = Math.Max(1, (LargeBlockBytes + stepBytes - 1) / stepBytes);
        long steps = lo;
        for (long s = first; s < lo; s *= 2)
        {
            if (PieceCost(s) < PieceCost(steps)) steps = s;
        }

        // With pieces as large as whole objects spilling would only copy: the single pass is the same plan.
        if (streamed.All(a => steps >= a.ObjectShape[ConcatAxis(ds, a)])) return null;

        var all = ImmutableArray.Create(new PassPlan(1, [.. streamed.Select(a => new PassArray(a.Variable.Name, Columns(ds, a)))]));
        long decode = DecodeBytes(ds, ByName(arrays), all[0]) + alone.Sum(a => a.ObjectCount * a.ObjectBytes);
        long intermediate = streamed.Sum(a => a.Shape.Aggregate(1L, (x, y) => x * y) * a.ElementSize);
        return new ExecutionSchedule(RechunkStrategy.Spill, all, shares, d, encoders, k, Open(steps), decode, intermediate, slab, steps, "");
    }

    /// <summary>
    /// The stream plan: one pass in which every object that can stream is encoded as its steps arrive (its bytes
    /// complete in concat order), holding only its encoder's blocks; the others (small objects, sharded arrays, codecs
    /// without a streamed form) are assembled whole in the same pass. Null when nothing streams or the open set does not fit.
    /// </summary>
    private static ExecutionSchedule? StreamOption(TargetDataset ds, List<ArrayPlan> streamed, ImmutableArray<ArrayPlan> arrays, long acc, MemoryShares shares, int d, int encoders, int k, long slab, List<ArrayPlan> alone, Func<ArrayPlan, (long Held, long Scratch)?>? streamMemory)
    {
        if (streamMemory is null || !streamed.Any(a => StreamRefusal(ds, a, streamMemory) is null)) return null;
        long Open(ArrayPlan a) => ColumnCount(ds, a) * Touched(ds, a, a.ObjectShape[ConcatAxis(ds, a)], SlabSteps(ds, a, slab)) *
            (StreamRefusal(ds, a, streamMemory) is null ? streamMemory(a)!.Value.Held : a.ObjectBytes);
        // Open encoders (or whole objects) along every column, plus one buffer for the steps of one object cut from a
        // slab and the scratch of the encoder compressing them (scatters take turns: one at a time).
        var streams = streamed.Where(a => StreamRefusal(ds, a, streamMemory) is null).ToList();
        long open = streamed.Sum(Open) + streams.Max(a => Math.Min(SlabSteps(ds, a, slab), a.ObjectShape[0]) * StepBytes(a)) + streams.Max(a => streamMemory(a)!.Value.Scratch);
        if (open > acc) return null;
        var all = ImmutableArray.Create(new PassPlan(1, [.. streamed.Select(a => new PassArray(a.Variable.Name, Columns(ds, a)))]));
        long decode = DecodeBytes(ds, ByName(arrays), all[0]) + alone.Sum(a => a.ObjectCount * a.ObjectBytes);
        return new ExecutionSchedule(RechunkStrategy.Stream, all, shares, d, encoders, k, open, decode, 0, slab, 0, "");
    }

    /// <summary>True when the objects of <paramref name="a"/> (an array streamed through passes) are encoded as they arrive under the stream strategy.</summary>
    internal static bool StreamsObjects(TargetDataset ds, ArrayPlan a, Func<ArrayPlan, (long Held, long Scratch)?>? streamMemory) => StreamRefusal(ds, a, streamMemory) is null;

    /// <summary>Why the objects of <paramref name="a"/> cannot stream (null when they can): the concat dimension must be outermost, the codecs streamable.</summary>
    private static string? StreamRefusal(TargetDataset ds, ArrayPlan a, Func<ArrayPlan, (long Held, long Scratch)?>? streamMemory)
    {
        if (a.ShardOf is not null || a.ShardShape is not null) return $"array '{a.Variable.Name}' is sharded (its shards are assembled inner chunk by inner chunk)";
        if (ConcatAxis(ds, a) != 0) return $"'{ds.ConcatDim}' is not the outermost dimension of array '{a.Variable.Name}', so its objects' bytes do not complete in order";
        if (a.Variable.DataType is Arrays.DataType.Char or Arrays.DataType.String) return $"array '{a.Variable.Name}' holds text";
        if (streamMemory?.Invoke(a) is null) return $"the codecs of array '{a.Variable.Name}' cannot encode its objects ({Sizes.Format(a.ObjectBytes)}) as they arrive (blosc on objects of at least 2 MiB, or no compressor)";
        return null;
    }

    private static long StepBytes(ArrayPlan a) => a.ObjectBytes / Math.Max(1, a.ObjectShape[0]);

    /// <summary>
    /// Accumulator bytes a spill pass holds at once with pieces of <paramref name="steps"/> concat steps and slabs of
    /// <paramref name="slabBytes"/> (what <see cref="SpillOption"/> fits to the budget; a staged run's stage 1 checks its pieces with it).
    /// </summary>
    internal static long SpillOpenBytes(TargetDataset ds, IEnumerable<ArrayPlan> streamed, long steps, long slabBytes) =>
        streamed.Sum(a => ColumnCount(ds, a) * Touched(ds, a, Math.Min(steps, a.ObjectShape[ConcatAxis(ds, a)]), SlabSteps(ds, a, slabBytes)) * PieceBytes(ds, a, steps));

    /// <summary>Arrays streamed through passes: those along the concat dimension, except a concat coordinate computed in the schema pass.</summary>
    internal static bool IsStreamed(TargetDataset ds, ArrayPlan a) =>
        a.Variable.HasConcatDim && a.Variable.ConcatAxis(ds.ConcatDim) >= 0 && !IsComputedCoordinate(ds, a.Variable);

    /// <summary>The concat coordinate re-encoded to the store's time units: its values come from the schema pass.</summary>
    internal static bool IsComputedCoordinate(TargetDataset ds, TargetVariable v) =>
        v.IsDimensionCoordinate && v.Name == ds.ConcatDim && v.TimeUnits is not null;

    internal static int ConcatAxis(TargetDataset ds, ArrayPlan a) => a.Variable.ConcatAxis(ds.ConcatDim);

    /// <summary>
    /// Bytes charged for one encoded object: the largest codec output bound (every compressor encodes into one
    /// exact-size buffer of at most this), rounded up as the allocator rounds it: below 1 MiB ArrayPool's power of two, from 1
    /// MiB up native blocks in 2 MiB classes (×2 for a shard's inner chunks plus the assembled shard).
    /// </summary>
    internal static long EncodeCharge(ArrayPlan a)
    {
        // Codecs/DeflateStreams.OutputBound: zlib-ng's level 1 may grow incompressible data by 1/8; blosc and zstd less.
        long bound = a.ObjectBytes + (a.ObjectBytes / 8) + 1024;
        long charge = bound < NativeBufferBytes ? Pooled(bound) : bound >= LargeBlockBytes ? (bound + LargeBlockBytes - 1) / LargeBlockBytes * LargeBlockBytes : bound;
        return a.ShardShape is null ? charge : 2 * charge;
    }

    /// <summary>What ArrayPool.Shared really hands out for a request: the next power of two up to 1 GiB.</summary>
    internal static long Pooled(long bytes) => bytes <= 0 ? 0 : bytes <= (1L << 30) ? (long)BitOperations.RoundUpToPowerOf2((ulong)bytes) : bytes;

    /// <summary>
    /// Accumulators (objects, or pieces of <paramref name="steps"/>) open at once along one column: those touched by
    /// one slab (<paramref name="slabSteps"/> steps of one input) at most. Slabs are scattered in concat order, so an
    /// accumulator left incomplete by earlier slabs is also touched by the current one.
    /// </summary>
    internal static long Touched(TargetDataset ds, ArrayPlan a, long steps, long slabSteps)
    {
        long chunk = a.ObjectShape[ConcatAxis(ds, a)];
        long most = 0;
        foreach (var seg in ds.Segments)
        {
            for (long t0 = 0; t0 < seg.Length; t0 += slabSteps)
            {
                long lo = seg.Start + t0, hi = seg.Start + Math.Min(seg.Length, t0 + slabSteps);
                most = Math.Max(most, PiecesIn(lo, hi, chunk, steps));
            }
        }

        return Math.Max(1, most);
    }

    /// <summary>Concat steps per slab: as many full-row steps (source and target element types) as fit the slab size; InputPass cuts slabs the same way.</summary>
    internal static long SlabSteps(TargetDataset ds, ArrayPlan a, long slabBytes)
    {
        int axis = ConcatAxis(ds, a);
        long row = a.Shape.Select((n, i) => i == axis ? 1 : n).Aggregate(1L, (x, y) => x * y) * (a.ElementSize + SourceElementSize(ds, a));
        return Math.Max(1, slabBytes / Math.Max(1, row));
    }

    /// <summary>Pieces of [lo, hi): objects of <paramref name="chunk"/> steps, each cut into pieces of <paramref name="steps"/>.</summary>
    private static long PiecesIn(long lo, long hi, long chunk, long steps)
    {
        long count = 0;
        for (long o = lo / chunk; o * chunk < hi; o++)
        {
            long a = Math.Max(lo, o * chunk) - (o * chunk), b = Math.Min(hi, (o + 1) * chunk) - (o * chunk);
            count += ((b - 1) / steps) - (a / steps) + 1;
        }

        return count;
    }

    private static long PieceBytes(TargetDataset ds, ArrayPlan a, long steps)
    {
        int axis = ConcatAxis(ds, a);
        long s = Math.Min(steps, a.ObjectShape[axis]);
        return a.ObjectBytes / a.ObjectShape[axis] * s;
    }

    private static long ColumnCount(TargetDataset ds, ArrayPlan a)
    {
        int axis = ConcatAxis(ds, a);
        return a.ObjectGrid.Select((g, i) => i == axis ? 1 : g).Aggregate(1L, (x, y) => x * y);
    }

    /// <summary>Column indices (concat axis 0) in C order.</summary>
    private static ImmutableArray<ImmutableArray<long>> Columns(TargetDataset ds, ArrayPlan a)
    {
        int axis = ConcatAxis(ds, a);
        return [.. a.ObjectIndices().Where(ix => ix[axis] == 0).Select(ix => ix.ToImmutableArray())];
    }

    private static ImmutableArray<PassPlan> GroupColumns(TargetDataset ds, List<ArrayPlan> streamed, Dictionary<string, long> columnBytes, long budget)
    {
        var passes = ImmutableArray.CreateBuilder<PassPlan>();
        var current = new Dictionary<string, List<ImmutableArray<long>>>();
        long used = 0;
        void Close()
        {
            if (current.Count == 0) return;
            passes.Add(new PassPlan(passes.Count + 1, [.. current.Select(kv => new PassArray(kv.Key, [.. kv.Value]))]));
            current.Clear();
            used = 0;
        }

        foreach (var a in streamed)
        {
            long bytes = columnBytes[a.Variable.Name];
            foreach (var column in Columns(ds, a))
            {
                if (used + bytes > budget) Close();
                if (!current.TryGetValue(a.Variable.Name, out var list)) current[a.Variable.Name] = list = [];
                list.Add(column);
                used += bytes;
            }
        }

        Close();
        return passes.ToImmutable();
    }

    /// <summary>A slab is a run of concat steps of one input: as many as fit a 1/16 share of the budget (at most 64 MiB), at least one step of a full row.</summary>
    private static long SlabBytes(TargetDataset ds, List<ArrayPlan> streamed, List<ArrayPlan> alone, long maxMemory)
    {
        long target = Math.Clamp(maxMemory / 16, 1, 64 * MiB);
        long oneStep = 0, wholeInput = 0;
        foreach (var a in streamed)
        {
            int axis = ConcatAxis(ds, a);
            long step = a.Shape.Select((n, i) => i == axis ? 1 : n).Aggregate(1L, (x, y) => x * y) * (a.ElementSize + SourceElementSize(ds, a));
            oneStep = Math.Max(oneStep, step);
            wholeInput = Math.Max(wholeInput, step * ds.Segments.Max(s => s.Length));
        }

        long perObject = alone.Where(a => !IsComputedCoordinate(ds, a.Variable)).Select(a => a.ObjectBytes + (a.ObjectBytes / a.ElementSize * SourceElementSize(ds, a))).DefaultIfEmpty(0).Max();
        return Math.Max(Math.Max(oneStep, perObject), Math.Min(target, wholeInput));
    }

    internal static int SourceElementSize(TargetDataset ds, ArrayPlan a)
    {
        var input = ds.Input(0, a.Variable.MergeIndex);
        return input.Dataset.Origins.TryGetValue(a.Variable.Name, out var o) ? o.SourceDataType.ElementSize() : a.ElementSize;
    }

    /// <summary>
    /// The reader's own buffers per decode worker (HDF5 direct chunks: the stored chunk and its inflated copy, per
    /// core; GRIB: the message and its values as float64), rounded as ArrayPool rounds.
    /// </summary>
    private static long ReaderScratch(TargetDataset ds, IEnumerable<ArrayPlan> arrays)
    {
        long most = 0;
        foreach (var a in arrays)
        {
            var input = ds.Input(0, a.Variable.MergeIndex);
            if (!input.Dataset.Origins.TryGetValue(a.Variable.Name, out var origin)) continue;
            var source = input.Dataset.Schema.FindVariable(a.Variable.Name);
            long chunk;
            if (source is { Layout.IsChunked: true } && source.Layout.Chunks.Length > 0)
                chunk = source.Layout.Chunks.Aggregate(1L, (x, y) => x * y) * origin.SourceDataType.ElementSize();
            else
                chunk = 0;
            // A GRIB field decodes through float64 values: one step of the variable, 8 bytes per element.
            int axis = a.Variable.ConcatAxis(ds.ConcatDim);
            long step = a.Shape.Select((n, i) => i == axis ? 1 : n).Aggregate(1L, (x, y) => x * y);
            long grib = source?.Layout.IsChunked == true ? 0 : step * 8;
            most = Math.Max(most, Math.Max(2 * Pooled(chunk) * Environment.ProcessorCount, grib > 4 * MiB ? Pooled(grib) : 0));
        }

        return most;
    }

    /// <summary>The input variable with the largest stored chunk, in words ("FILE: variable 'x' is stored in chunks of ..."), or null.</summary>
    private static string? LargestInputChunk(TargetDataset ds, IEnumerable<ArrayPlan> arrays)
    {
        string? found = null;
        long most = 0;
        foreach (var a in arrays)
        {
            var input = ds.Input(0, a.Variable.MergeIndex);
            if (!input.Dataset.Origins.TryGetValue(a.Variable.Name, out var origin)) continue;
            var source = input.Dataset.Schema.FindVariable(a.Variable.Name);
            if (source is not { Layout.IsChunked: true } || source.Layout.Chunks.Length == 0) continue;
            long bytes = source.Layout.Chunks.Aggregate(1L, (x, y) => x * y) * origin.SourceDataType.ElementSize();
            if (bytes <= most) continue;
            most = bytes;
            found = $"{input.Source}: variable '{source.Name}' is stored in chunks of ({string.Join(", ", source.Layout.Chunks)}) {origin.SourceDataType.ToString().ToLowerInvariant()}, " +
                    $"{Sizes.Format(bytes)} each when decoded, and each chunk is decoded whole";
        }

        return found;
    }

    /// <summary>Estimated bytes decoded by one pass: every input chunk overlapping the pass's columns is decoded whole.</summary>
    /// <summary>The arrays by name, built once per plan: a scan per pass array made planning quadratic in variables.</summary>
    private static Dictionary<string, ArrayPlan> ByName(ImmutableArray<ArrayPlan> arrays)
    {
        var byName = new Dictionary<string, ArrayPlan>(arrays.Length, StringComparer.Ordinal);
        foreach (var a in arrays) byName.TryAdd(a.Variable.Name, a);
        return byName;
    }

    private static long DecodeBytes(TargetDataset ds, Dictionary<string, ArrayPlan> arrays, PassPlan pass)
    {
        long total = 0;
        foreach (var pa in pass.Arrays)
        {
            var a = arrays[pa.Array];
            int axis = ConcatAxis(ds, a);
            var input = ds.Input(0, a.Variable.MergeIndex);
            var source = input.Dataset.Schema.FindVariable(a.Variable.Name);
            input.Dataset.Origins.TryGetValue(a.Variable.Name, out var origin);
            long perStep = SourceElementSize(ds, a);
            for (int d = 0; d < a.Rank; d++)
            {
                if (d == axis) continue;
                long lo = pa.Columns.Min(c => c[d]) * a.ObjectShape[d];
                long hi = Math.Min(a.Shape[d], (pa.Columns.Max(c => c[d]) + 1) * a.ObjectShape[d]);
                long chunk = a.Shape[d];
                if (source is { Layout.IsChunked: true } && origin is not null)
                {
                    int s = origin.SourceDimensions.IndexOf(a.Variable.Dimensions[d]);
                    if (s >= 0 && s < source.Layout.Chunks.Length) chunk = Math.Max(1, source.Layout.Chunks[s]);
                }

                long first = lo / chunk * chunk, last = Math.Min(a.Shape[d], (hi + chunk - 1) / chunk * chunk);
                perStep *= last - first;
            }

            total += perStep * a.Shape[axis];
        }

        return total;
    }

    private static bool Filtered(TargetDataset ds, ImmutableArray<ArrayPlan> arrays) =>
        arrays.Any(a => ds.Input(0, a.Variable.MergeIndex).Dataset.Schema.FindVariable(a.Variable.Name)?.Layout.Filters.Length > 0);

    /// <summary>Estimated seconds of a plan, by part.</summary>
    internal sealed record PlanCost(double Decode, double Encode, double FreshMemory, double Scratch, long FreshBytes)
    {
        public double Total => Decode + Encode + FreshMemory + Scratch;
    }

    /// <summary>
    /// Estimated seconds: decoding spread over the decode workers (and reopening inputs per pass); encoding spread
    /// over the encode workers; touching the
    /// memory the plan holds at once for the first time (the open accumulators; for spill also the objects being
    /// assembled from their pieces); writing and reading back the intermediate store, piece by piece.
    /// </summary>
    internal static PlanCost Cost(TargetDataset ds, ImmutableArray<ArrayPlan> arrays, ExecutionSchedule s, PlanCosts costs)
    {
        double rate = Filtered(ds, arrays) ? costs.InflateSecondsPerGB : costs.CopySecondsPerGB;
        double opens = Math.Max(1, s.Passes.Length) * ds.Segments.Length * costs.OpenSeconds / s.DecodeWorkers;
        double decode = opens + (s.DecodeBytes / 1e9 * rate / s.DecodeWorkers);
        double encode = arrays.Where(a => a.ObjectCount > 0).Sum(a => a.ObjectCount * a.ObjectBytes) / 1e9 * costs.EncodeSecondsPerGB / Math.Max(1, s.EncodeWorkers);
        long fresh = s.OpenSetBytes;
        double scratch = 0;
        if (s.Strategy == RechunkStrategy.Spill)
        {
            var streamed = arrays.Where(a => a.ObjectCount > 0 && IsStreamed(ds, a)).ToList();
            long objects = streamed.Sum(a => a.ObjectCount);
            // Objects alive while they are assembled from their pieces and encoded: one per assembling worker.
            long assembling = Math.Min(s.Shares.Accumulators, Math.Min(objects, Math.Max(s.DecodeWorkers, s.EncodeWorkers)) * streamed.Max(a => a.ObjectBytes));
            fresh += assembling;
            long pieces = streamed.Sum(a => a.ObjectCount * ((a.ObjectShape[ConcatAxis(ds, a)] + s.SpillSteps - 1) / Math.Max(1, s.SpillSteps)));
            scratch = costs.ScratchSeconds(s.IntermediateBytes) + (pieces * costs.PieceSeconds);
        }

        return new PlanCost(decode, encode, fresh / 1e9 * costs.FirstTouchSecondsPerGB, scratch, fresh);
    }

    private static string Explain(TargetDataset ds, ImmutableArray<ArrayPlan> arrays, ExecutionSchedule s, List<ExecutionSchedule> others, long minColumn, PlanCosts costs)
    {
        var inv = CultureInfo.InvariantCulture;
        string Estimate(ExecutionSchedule o)
        {
            var c = Cost(ds, arrays, o, costs);
            return string.Format(inv, "about {0:0.0} s: decode {1:0.0} s, encode {5:0.0} s, first touch of {2} of fresh memory {3:0.0} s{4}", c.Total, c.Decode, Sizes.Format(c.FreshBytes), c.FreshMemory,
                o.IntermediateBytes > 0 ? (double.IsInfinity(c.Scratch)
                    ? $", but {Sizes.Format(o.IntermediateBytes)} of intermediate does not fit the {Sizes.Format(costs.ScratchFreeBytes ?? 0)} free in the scratch folder"
                    : string.Format(inv, ", scratch I/O of {0} {1:0.0} s", Sizes.Format(o.IntermediateBytes), c.Scratch)) : "", c.Encode);
        }

        string Name(ExecutionSchedule o) => o.Strategy switch
        {
            RechunkStrategy.SinglePass => "one pass",
            RechunkStrategy.MultiPass => $"{o.Passes.Length} passes",
            RechunkStrategy.Stream => "streaming the encode",
            _ => $"spilling pieces of {o.SpillSteps} steps",
        };

        string against = others.Count == 0 ? "" : "; against " + string.Join(", ", others.Select(o => $"{Name(o)} ({Estimate(o)})"));
        string what = s.Strategy switch
        {
            RechunkStrategy.SinglePass => $"every open object fits in {Sizes.Format(s.Shares.Accumulators)}: one pass decodes each input once",
            RechunkStrategy.MultiPass => $"the open objects ({Sizes.Format(minColumn)} per column of objects along '{ds.ConcatDim}') do not fit in one pass; {s.Passes.Length} passes re-decode the inputs they overlap ({Sizes.Format(s.DecodeBytes)} decoded)",
            RechunkStrategy.Stream => $"the objects' bytes complete in '{ds.ConcatDim}' order, so one pass encodes each object block by block as its steps arrive ({Sizes.Format(s.OpenSetBytes)} open at once; no spill, no whole object in memory)",
            _ => $"one pass spills pieces of {s.SpillSteps} '{ds.ConcatDim}' steps ({Sizes.Format(s.IntermediateBytes)}, {Sizes.Format(s.OpenSetBytes)} of pieces open at once) to local scratch and assembles each object from them",
        };
        return $"{what} ({Estimate(s)}){against}";
    }
}
