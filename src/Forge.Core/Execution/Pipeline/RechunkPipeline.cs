using Forge.Core.Datasets;
using Forge.Core.Execution.Memory;
using Forge.Core.Planning;
using Forge.Core.Sources;
using Forge.Core.Telemetry;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// Runs a plan's schedule as one streaming pipeline of bounded stages: decode (inputs in concat order, every decode
/// worker) → scatter into object accumulators → encode (every encode worker) → write (bounded in flight), all
/// overlapping, every large buffer charged to one <see cref="MemoryAccount"/>. Objects already done (the ledger's
/// object ids) are skipped; each stored object is marked done.
/// </summary>
internal sealed class RechunkPipeline(PreparedRun run, IDatasetOpener opener, ITargetWriter writer, IProgressSink progress, Func<StoredObject, CancellationToken, ValueTask> markDone, IInputFetcher fetcher)
{
    public PipelineCounters Counters { get; } = new();

    /// <summary>The local disk the run's inputs hold and the downloads it made (shared with the schema pass).</summary>
    public InputDisk Disk { get; } = run.Disk;

    /// <summary>The run's memory account (limit = run.max_memory).</summary>
    public MemoryAccount Account { get; } = new(run.Plan.MaxMemory, "max_memory");

    public async Task RunAsync(IReadOnlySet<string> done, CancellationToken ct)
    {
        var plan = run.Plan;
        var schedule = plan.Schedule;
        // Large blocks freed during the run are reused (no fresh pages to zero) within the budget; emptied at the end.
        using var blockCache = LargeBlockCache.Enable(plan.MaxMemory);
        var accumulators = Account.CreateShare(schedule.Shares.Accumulators, "accumulator");
        var decode = Account.CreateShare(schedule.Shares.Decode, "decode");
        var encode = Account.CreateShare(schedule.Shares.Encode, "encode");
        using var failure = new PipelineFailure(ct);
        string scratch = run.Request.ScratchDirectory ?? Path.GetTempPath();
        using var shards = new ShardAssembler(scratch, Counters);
        var stage = new EncodeWriteStage(writer, encode, schedule.EncodeWorkers, schedule.WritesInFlight, markDone, progress, Counters, failure, shards);
        ValueTask Submit(ObjectAccumulator acc, CancellationToken token) => stage.SubmitAsync(acc, token);
        SpillStore? spill = null;
        InputWindow? window = null;
        // Streamed objects of a target that is not a local folder are written here, then uploaded (named for this process: ProcessFolders).
        var streamFolder = new Lazy<string>(() => ProcessFolders.Create(scratch, "stream"));
        try
        {
            try
            {
                var alone = plan.Arrays.Where(a => a.ObjectCount > 0 && !SchedulePlanner.IsStreamed(plan.Dataset, a)).ToList();
                // Every pass is laid out first: the input window fetches ahead in the order the stages decode (stage 0:
                // the objects outside the passes, then each pass) and knows each input's last use.
                var isSpill = schedule.Strategy == RechunkStrategy.Spill;
                if (isSpill) spill = new SpillStore(scratch, Counters);
                var passes = isSpill
                    ? [new InputPass(run, opener, writer, schedule.Passes.Single(), schedule, done, accumulators, decode, Counters, spill: true, async (piece, token) =>
                    {
                        using (piece) await spill!.AppendAsync(piece, token).ConfigureAwait(false);
                    })]
                    : schedule.Strategy == RechunkStrategy.Stream
                    ? [new InputPass(run, opener, writer, schedule.Passes.Single(), schedule, done, accumulators, decode, Counters, spill: false, Submit, stage.SubmitStreamedAsync, streamFolder)]
                    : schedule.Passes.Select(pass => new InputPass(run, opener, writer, pass, schedule, done, accumulators, decode, Counters, spill: false, Submit)).ToList();
                IReadOnlyList<IReadOnlyList<(int, int)>> stages = [StandaloneObjects.Inputs(run, alone, done), .. passes.Select(p => p.Inputs)];
                await InputWindow.DeleteUnusedAsync(run, Disk, stages).ConfigureAwait(false);
                window = InputWindow.Create(run, fetcher, Disk, stages, failure.Token);
                await StandaloneObjects.RunAsync(run, opener, writer, alone, done, accumulators, decode, Counters, schedule.DecodeWorkers, Submit, window, failure.Token).ConfigureAwait(false);
                if (isSpill)
                {
                    await SpillAsync(schedule, done, accumulators, decode, spill!, passes[0], window, stage.EncodeHereAsync, failure).ConfigureAwait(false);
                }
                else if (schedule.Strategy == RechunkStrategy.Stream)
                {
                    progress.Stage("pass", $"one pass over the inputs, every object encoded block by block as its '{plan.Dataset.ConcatDim}' steps arrive");
                    await passes[0].RunAsync(failure, window, 1).ConfigureAwait(false);
                }
                else
                {
                    for (int i = 0; i < passes.Count; i++)
                    {
                        var pass = schedule.Passes[i];
                        progress.Stage("pass", $"pass {pass.Number} of {schedule.Passes.Length}: {pass.Arrays.Sum(p => p.Columns.Length)} columns of objects");
                        await passes[i].RunAsync(failure, window, i + 1).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex)
            {
                failure.Fail(ex);
                await stage.AbortAsync().ConfigureAwait(false);
                throw;
            }

            await stage.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception) when (!ct.IsCancellationRequested && failure.First is { } first)
        {
            // A stage failed and cancelled the others: report that failure, not a cancellation it caused.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }
        finally
        {
            if (window is not null) await window.DisposeAsync().ConfigureAwait(false);
            spill?.Dispose();
            if (streamFolder.IsValueCreated) ProcessFolders.Delete(streamFolder.Value);
        }
    }

    /// <summary>
    /// Stage 1 of a staged sharded run: one pass over the inputs of <paramref name="concatKeys"/> only, every piece they
    /// fill stored in the intermediate store beside the target (pieces already done are neither assembled nor
    /// stored again; inputs whose pieces are all done are not read). No target object is written.
    /// </summary>
    public async Task RunStage1Async(IntermediateStore intermediate, Func<int, bool> concatKeys, IReadOnlySet<string> donePieces, Func<string, CancellationToken, ValueTask> markPiece, CancellationToken ct)
    {
        var plan = run.Plan;
        var schedule = plan.Schedule;
        var layout = intermediate.Layout;
        var byName = layout.Arrays.ToDictionary(a => a.Name, StringComparer.Ordinal);
        using var blockCache = LargeBlockCache.Enable(plan.MaxMemory);
        var accumulators = Account.CreateShare(schedule.Shares.Accumulators, "accumulator");
        var decode = Account.CreateShare(schedule.Shares.Decode, "decode");
        var encode = Account.CreateShare(schedule.Shares.Encode, "encode");
        long open = SchedulePlanner.SpillOpenBytes(plan.Dataset, layout.Arrays.Select(a => a.Units), layout.Arrays.Max(a => a.PieceSteps), schedule.SlabBytes);
        if (open > schedule.Shares.Accumulators)
            throw new PlanException($"stage 1 keeps pieces of {string.Join(", ", layout.Arrays.Select(a => $"{a.PieceSteps} '{plan.Dataset.ConcatDim}' steps of '{a.Name}'"))} open ({Sizes.Format(open)}), " +
                $"more than the {Sizes.Format(schedule.Shares.Accumulators)} of max_memory = {Sizes.Format(plan.MaxMemory)} left for accumulators; raise --max-memory");
        using var failure = new PipelineFailure(ct);
        await intermediate.CreateAsync(failure.Token).ConfigureAwait(false);
        var pass = schedule.Passes.Single();
        progress.Stage("stage1", $"pieces of {string.Join(", ", layout.Arrays.Select(a => $"'{a.Name}' ({a.PieceSteps} steps)"))} to {intermediate.Url}");
        var inputPass = new InputPass(run, opener, writer, pass, schedule, new HashSet<string>(), accumulators, decode, Counters, spill: true, async (piece, token) =>
        {
            using (piece)
            {
                var (id, bytes) = await intermediate.WriteAsync(byName[piece.Array.Variable.Name], piece, encode, token).ConfigureAwait(false);
                Counters.Spilled(bytes);
                await markPiece(id, token).ConfigureAwait(false);
                progress.PieceWritten(piece.Array.Variable.Name, id, bytes);
            }
        })
        {
            ConcatKeys = concatKeys,
            PieceStepsOf = units => byName[units.Variable.Name].PieceSteps,
            PieceDone = (units, index, start) => donePieces.Contains(byName[units.Variable.Name].PieceId(byName[units.Variable.Name].PieceAt(index, start))),
        };
        // Stage 0 (objects outside the passes) is empty here: stage 2 writes them.
        IReadOnlyList<IReadOnlyList<(int, int)>> stages = [[], inputPass.Inputs];
        await InputWindow.DeleteUnusedAsync(run, Disk, stages).ConfigureAwait(false);
        await using var window = InputWindow.Create(run, fetcher, Disk, stages, failure.Token);
        await inputPass.RunAsync(failure, window, 1).ConfigureAwait(false);
    }

    /// <summary>
    /// Stage 2 of a staged sharded run: the objects not in <paramref name="done"/> (other shards' objects are in it)
    /// are assembled from their pieces in the intermediate store, encoded and written; arrays outside the pieces
    /// (coordinates) are read from the inputs as in any run.
    /// </summary>
    public async Task RunStage2Async(IntermediateStore intermediate, IReadOnlySet<string> done, CancellationToken ct)
    {
        var plan = run.Plan;
        var schedule = plan.Schedule;
        using var blockCache = LargeBlockCache.Enable(plan.MaxMemory);
        var accumulators = Account.CreateShare(schedule.Shares.Accumulators, "accumulator");
        var decode = Account.CreateShare(schedule.Shares.Decode, "decode");
        var encode = Account.CreateShare(schedule.Shares.Encode, "encode");
        using var failure = new PipelineFailure(ct);
        using var shards = new ShardAssembler(run.Request.ScratchDirectory ?? Path.GetTempPath(), Counters);
        var stage = new EncodeWriteStage(writer, encode, schedule.EncodeWorkers, schedule.WritesInFlight, markDone, progress, Counters, failure, shards);
        try
        {
            try
            {
                var staged = intermediate.Layout.Arrays.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
                var alone = plan.Arrays.Where(a => a.ObjectCount > 0 && !staged.Contains(a.Variable.Name)).ToList();
                IReadOnlyList<IReadOnlyList<(int, int)>> stages = [StandaloneObjects.Inputs(run, alone, done)];
                await InputWindow.DeleteUnusedAsync(run, Disk, stages).ConfigureAwait(false);
                await using (var window = InputWindow.Create(run, fetcher, Disk, stages, failure.Token))
                    await StandaloneObjects.RunAsync(run, opener, writer, alone, done, accumulators, decode, Counters, schedule.DecodeWorkers, stage.SubmitAsync, window, failure.Token).ConfigureAwait(false);
                progress.Stage("stage2", $"assembling objects from the pieces in {intermediate.Url}");
                var objects = intermediate.Layout.Arrays.SelectMany(a => a.Units.ObjectIndices().Select(ix => (Array: a, Index: ix)))
                    .Where(o => !done.Contains(o.Array.Units.DoneId(o.Index))).ToList();
                int assemblers = Math.Max(1, Math.Max(schedule.DecodeWorkers, schedule.EncodeWorkers));
                await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = assemblers, CancellationToken = failure.Token }, async (o, token) =>
                {
                    var a = o.Array.Units;
                    var (start, count) = a.ObjectRegion(o.Index);
                    var buffer = await accumulators.RentAsync(a.ObjectBytes, $"object {a.ObjectId(o.Index)}", token).ConfigureAwait(false);
                    var acc = new ObjectAccumulator(a, o.Index, a.ObjectShape.ToArray(), start[o.Array.Axis], buffer, count.Aggregate(1L, (x, y) => x * y));
                    try
                    {
                        // Zero beyond the array (edge objects), as the spill assembles them.
                        if (!count.SequenceEqual(acc.Shape)) buffer.Span.Clear();
                        await intermediate.AssembleAsync(o.Array, acc, decode, token).ConfigureAwait(false);
                        acc.Add(acc.ExpectedElements);
                    }
                    catch
                    {
                        acc.Dispose();
                        throw;
                    }

                    await stage.EncodeHereAsync(acc, token).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure.Fail(ex);
                await stage.AbortAsync().ConfigureAwait(false);
                throw;
            }

            await stage.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception) when (!ct.IsCancellationRequested && failure.First is { } first)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }
    }

    /// <summary>
    /// Spill: one pass writes pieces to the intermediate store, then each object is assembled from its pieces and
    /// encoded by the same worker (reading pieces back is as fast as encoding: a queue of whole objects between the
    /// two would only hold more fresh memory), and written.
    /// </summary>
    private async Task SpillAsync(ExecutionSchedule schedule, IReadOnlySet<string> done, MemoryAccount accumulators, MemoryAccount decode, SpillStore spill, InputPass inputs, InputWindow window, Func<ObjectAccumulator, CancellationToken, ValueTask> encodeHere, PipelineFailure failure)
    {
        var plan = run.Plan;
        var pass = schedule.Passes.Single();
        progress.Stage("spill", $"one pass over the inputs, pieces of {schedule.SpillSteps} '{plan.Dataset.ConcatDim}' steps to {spill.Folder}");
        await inputs.RunAsync(failure, window, 1).ConfigureAwait(false);

        progress.Stage("assemble", "assembling objects from their pieces");
        var objects = pass.Arrays.SelectMany(pa =>
        {
            var a = plan.GetArray(pa.Array).AssemblyUnits;
            int axis = a.Variable.ConcatAxis(plan.Dataset.ConcatDim);
            return pa.Columns.SelectMany(c => Enumerable.Range(0, (int)a.ObjectGrid[axis]).Select(o =>
            {
                var index = c.ToArray();
                index[axis] = o;
                return (Array: a, Axis: axis, Index: index);
            }));
        }).Where(o => !done.Contains(o.Array.DoneId(o.Index))).ToList();
        int assemblers = Math.Max(1, Math.Max(schedule.DecodeWorkers, schedule.EncodeWorkers));
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = assemblers, CancellationToken = failure.Token }, async (o, token) =>
        {
            var a = o.Array;
            var (start, count) = a.ObjectRegion(o.Index);
            var buffer = await accumulators.RentAsync(a.ObjectBytes, $"object {a.ObjectId(o.Index)}", token).ConfigureAwait(false);
            var acc = new ObjectAccumulator(a, o.Index, a.ObjectShape.ToArray(), start[o.Axis], buffer, count.Aggregate(1L, (x, y) => x * y));
            try
            {
                if (!count.SequenceEqual(acc.Shape)) buffer.Span.Clear();
                await spill.AssembleAsync(acc, o.Axis, decode, token).ConfigureAwait(false);
                acc.Add(acc.ExpectedElements);
            }
            catch
            {
                acc.Dispose();
                throw;
            }

            await encodeHere(acc, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
