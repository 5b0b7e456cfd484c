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
                    : schedule.Passes.Select(pass => new InputPass(run, opener, writer, pass, schedule, done, accumulators, decode, Counters, spill: false, Submit)).ToList();
                IReadOnlyList<IReadOnlyList<(int, int)>> stages = [StandaloneObjects.Inputs(run, alone, done), .. passes.Select(p => p.Inputs)];
                await InputWindow.DeleteUnusedAsync(run, Disk, stages).ConfigureAwait(false);
                window = InputWindow.Create(run, fetcher, Disk, stages, failure.Token);
                await StandaloneObjects.RunAsync(run, opener, writer, alone, done, accumulators, decode, Counters, schedule.DecodeWorkers, Submit, window, failure.Token).ConfigureAwait(false);
                if (isSpill)
                {
                    await SpillAsync(schedule, done, accumulators, decode, spill!, passes[0], window, stage.EncodeHereAsync, failure).ConfigureAwait(false);
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
