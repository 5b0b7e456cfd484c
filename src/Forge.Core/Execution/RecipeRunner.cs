using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;
using Forge.Core.Execution.Memory;
using Forge.Core.Execution.Pipeline;
using Forge.Core.Planning;
using Forge.Core.Sources;
using Forge.Core.Telemetry;

namespace Forge.Core.Execution;

/// <summary>
/// Runs a recipe: schema pass → combine → plan → the streaming pipeline (objects resumable through the ledger) → publish metadata.
/// </summary>
public sealed class RecipeRunner(IInputFetcher fetcher, IDatasetOpener opener, IProgressSink progress)
{
    /// <summary>
    /// Read remote inputs' headers by range requests where the server and the format allow it, instead of downloading
    /// them (<c>forge plan</c>). A run prepared this way cannot be executed: those inputs have no local file.
    /// </summary>
    public bool HeadersByRange { get; init; }

    /// <summary>
    /// <c>forge run</c> and <c>forge finalize</c>: the schema pass reads remote inputs' headers by range requests where
    /// the server, the format and the source's validators (ETag or Last-Modified) allow it, so nothing is downloaded
    /// before the write begins; the pipeline then fetches each input when it decodes it (a bounded window, each file
    /// deleted after its last use) and refuses one that changed at the source meanwhile.
    /// </summary>
    public bool StreamInputs { get; init; }

    /// <summary>
    /// Fetches and inspects every input, combines and plans. The caller disposes the result. With the target's
    /// <paramref name="ledger"/>, inputs of the store's finished part whose source still reports the recorded size
    /// and ETag/Last-Modified are not downloaded: the ledger's record of them stands in (a rerun or an append
    /// downloads only what is new or changed).
    /// </summary>
    public async Task<PreparedRun> PrepareAsync(RunRequest request, CancellationToken ct, IRunLedger? ledger = null)
    {
        var (recorded, appendBase, known) = ledger is null || request.Overwrite ? (null, null, ImmutableDictionary<(int, int), InputRecord>.Empty) : await KnownInputsAsync(request, ledger, ct);
        // Inputs unchanged since the last run are not fetched: the totals count those that are.
        progress.Totals(new ProgressTotals("fetch") { Inputs = request.Inputs.Length - known.Count, InputBytes = known.Count == 0 ? LocalInputBytes(request) : null });
        progress.Stage("schema", known.Count == 0 ? $"inspecting {request.Inputs.Length} inputs" : $"inspecting {request.Inputs.Length - known.Count} inputs ({known.Count} unchanged since the last run, not fetched)");
        var disk = new InputDisk();
        var (inputs, files, byRange, streamed) = await SchemaPass.RunAsync(request, fetcher, opener, progress, ct, known, HeadersByRange || StreamInputs, requireValidators: !HeadersByRange, disk);
        try
        {
            TargetDataset dataset;
            try
            {
                dataset = DatasetCombiner.Combine(request.ConcatDim, inputs, request.DataVariables);
            }
            catch (StaticValuesDifferException e) when (!e.ValuesWereKept)
            {
                throw await FirstDifferenceAsync(e, request, inputs, files, ct);
            }

            if (request.ItemsPerFile is { } items)
            {
                foreach (var seg in dataset.Segments.Where(s => s.Length != items))
                    throw new DataException($"{dataset.Input(seg.ConcatIndex, 0).Source}: has {seg.Length} steps along '{request.ConcatDim}', but the recipe says items_per_file: {items}");
            }

            var plan = RechunkPlanner.Plan(dataset, request.Chunking, request.PerVariableChunking, request.MaxMemory, request.Workers, request.Strategy, PlanCosts.ForScratch(request.ScratchDirectory), request.StreamMemory);
            return new PreparedRun(request, plan, files, InputsDigest(request))
            {
                Inputs = inputs, Known = known, Recorded = recorded, Base = appendBase, ByRange = byRange,
                Streamed = streamed, CanExecute = !HeadersByRange, Disk = disk,
            };
        }
        catch
        {
            foreach (var f in files.Values)
            {
                await f.DisposeAsync();
                disk.Deleted(f);
            }

            throw;
        }
    }

    /// <summary>
    /// The ledger's record and the inputs it vouches for: those of the store's finished part (the whole recorded run
    /// when it completed, else the base an interrupted append started from) whose URL is at the same place in this
    /// recipe and whose source reports the recorded size and validators. Everything else is fetched.
    /// </summary>
    private async Task<(RecordedRun?, AppendBase?, ImmutableDictionary<(int, int), InputRecord>)> KnownInputsAsync(RunRequest request, IRunLedger ledger, CancellationToken ct)
    {
        var none = ImmutableDictionary<(int, int), InputRecord>.Empty;
        var recorded = await ledger.ReadAsync(ct);
        if (recorded is not { Identity: not null, Replacing: false }) return (recorded, null, none);
        var records = await ledger.ReadInputsAsync(ct);
        if (records is null) return (recorded, null, none);
        AppendBase? appendBase = recorded.Base;
        if (recorded.Complete)
        {
            // The whole recorded run is readable from the store.
            int keys = records.Count == 0 ? 0 : records.Max(r => r.Dataset.ConcatIndex) + 1;
            long length = records.Where(r => r.Dataset.MergeIndex == 0).Sum(r => r.Dataset.Dataset.Schema.FindDimension(request.ConcatDim)?.Length ?? 0);
            appendBase = new AppendBase(length, keys);
        }

        if (appendBase is null || appendBase.ConcatKeys == 0) return (recorded, appendBase, none);
        var urls = request.Inputs.ToDictionary(i => (i.ConcatIndex, i.MergeIndex), i => i.Url);
        var candidates = records.Where(r => r.Dataset.ConcatIndex < appendBase.ConcatKeys && r.Validators is { CanValidate: true }
            && urls.TryGetValue((r.Dataset.ConcatIndex, r.Dataset.MergeIndex), out var url) && url == r.Identity.Url).ToList();
        progress.Stage("check", $"asking the sources whether {candidates.Count} recorded inputs changed");
        var known = new ConcurrentDictionary<(int, int), InputRecord>();
        await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.FetchConcurrency), CancellationToken = ct }, async (r, token) =>
        {
            var now = await fetcher.ProbeAsync(r.Identity.Url, token);
            if (now is not null && now.Matches(r.Validators)) known[(r.Dataset.ConcatIndex, r.Dataset.MergeIndex)] = r;
        });
        return (recorded, appendBase, known.ToImmutableDictionary());
    }

    /// <summary>
    /// Runs the prepared plan into the target. <paramref name="beside"/> is the target's store: a staged sharded run
    /// (<see cref="RunRequest.Stage"/>) keeps its intermediate store there, and a whole run removes one a staged run left.
    /// </summary>
    public async Task<RunSummary> ExecuteAsync(PreparedRun run, ITargetWriter writer, IRunLedger ledger, CancellationToken ct, Storage.IStore? beside = null)
    {
        var clock = Stopwatch.StartNew();
        var request = run.Request;
        var shard = request.Shard;
        if (!run.CanExecute) throw new InvalidOperationException("a run prepared for forge plan (HeadersByRange) cannot be executed");
        var (staged, stageNote) = StagedMode(run);
        if (stageNote is not null) progress.Stage("stage", stageNote);
        if (staged && beside is null) throw new InvalidOperationException("a staged run needs the target's store for its intermediate store");
        if (request.Stage == 1 && shard is not null && !staged)
        {
            return new RunSummary(request.RecipeId, writer.Url, request.Inputs.Length, run.InputBytes, 0, 0, 0, false, clock.Elapsed)
            {
                Strategy = run.Plan.Schedule.Strategy,
                Shard = shard,
                Stage = 1,
                StageNote = stageNote,
                PeakResidentBytes = ProcessMemory.PeakResidentBytes(),
                PeakInputDiskBytes = run.Disk.PeakBytes,
                InputDownloads = run.Disk.Downloads,
                InputsReadByRange = run.Streamed.Count,
            };
        }

        await using var lease = await ledger.AcquireAsync($"forge run {request.RecipeId}", shard, ct);
        var identity = await RunIdentity.BuildAsync(run, writer, ct, await RecordedInputsAsync(run, ledger, ct));
        var (state, detail) = await ledger.InspectAsync(identity, ct);
        if (state == LedgerState.Complete && !request.Overwrite)
        {
            progress.Stage("done", $"{writer.Url} is up to date");
            if (shard is null && beside is not null) await RemoveIntermediateAsync(beside, ledger, ct);
            return new RunSummary(request.RecipeId, writer.Url, request.Inputs.Length, run.InputBytes, 0, 0, run.Plan.ObjectCount, true, clock.Elapsed)
            {
                Strategy = run.Plan.Schedule.Strategy,
                Shard = shard,
                Stage = staged ? request.Stage : null,
                PeakResidentBytes = ProcessMemory.PeakResidentBytes(),
                PeakInputDiskBytes = run.Disk.PeakBytes,
                InputDownloads = run.Disk.Downloads,
                InputsReadByRange = run.Streamed.Count,
            };
        }

        var plan = run.Plan;
        var recorded = run.Recorded ?? await ledger.ReadAsync(ct);
        AppendBase? appendBase = null;
        if (state == LedgerState.Incompatible && !request.Overwrite)
        {
            // The recipe's concat keys grew (a later end date): append when everything else is what the store holds.
            var problems = recorded?.Identity is { } old ? AppendCompatibility.Problems(identity, old, plan) : ["the target's ledger cannot be read"];
            if (problems.Count > 0 || recorded!.Identity is null)
                throw new TargetConflictException($"{writer.Url}: {detail}; use --overwrite to replace it");
            // Starting an append forgets edge objects and rewrites run.json: one process must do it, not N shards at once.
            if (shard is not null)
                throw new TargetConflictException($"{writer.Url}: the recipe has {identity.Inputs.Length - recorded.Identity.Inputs.Length} inputs more than the store; a shard cannot start an append while other shards write; run `forge run` without --shard to append");
            appendBase = run.Base ?? (recorded.Complete
                ? new AppendBase(AppendCompatibility.ConcatLength(recorded.Identity, plan), run.Inputs.Count == 0 ? 0 : recorded.Identity.Inputs.Length / Math.Max(1, run.Inputs.Max(i => i.MergeIndex) + 1))
                : recorded.Base ?? new AppendBase(0, 0));
            var reopened = AppendCompatibility.Reopened(recorded.Identity, plan);
            progress.Stage("append", $"{writer.Url}: {identity.Inputs.Length - recorded.Identity.Inputs.Length} new inputs after the store's {recorded.Identity.Inputs.Length}; {reopened.Count} edge objects are written again");
            await ledger.BeginAppendAsync(identity, appendBase, reopened, ct);
            state = LedgerState.Resumable;
        }
        else
        {
            // A shard never wipes: the other shards are writing into the same target.
            if (shard is not null && state == LedgerState.Replacing)
                throw new TargetConflictException($"{writer.Url}: {detail}, but a shard cannot finish a wipe while other shards write; run `forge run` without --shard to finish it (or delete the target), then start the shards");
            // An interrupted --overwrite is finished whether or not this run asks for one: it was the user's decision.
            var wipe = state == LedgerState.Replacing || (request.Overwrite && state != LedgerState.Empty);
            if (state == LedgerState.Replacing) progress.Stage("replace", $"{writer.Url}: {detail}");
            await ledger.BeginAsync(identity, wipe, ct);
            if (wipe) state = LedgerState.Empty;
            else if (state == LedgerState.Resumable) appendBase = recorded?.Base;
        }

        if (run.Known.Count > 0 && (appendBase is null || run.Known.Keys.Any(k => k.Concat >= appendBase.ConcatKeys)))
            throw new InvalidOperationException($"{writer.Url}: inputs taken from the ledger lie outside the store's finished part");
        await ledger.RecordInputsAsync(InputRecordsOf(run, identity), ct);

        var done = new HashSet<string>(StringComparer.Ordinal);
        if (state == LedgerState.Resumable)
        {
            foreach (var id in plan.ObjectIds())
                if (await ledger.IsDoneAsync(id, ct)) done.Add(id);
        }

        if (staged && request.Stage == 1) return await Stage1Async(run, writer, ledger, new IntermediateStore(beside!, StagedLayout.For(plan)), clock, ct);

        // The shard seam: other shards' objects are skipped as if done, so the pipeline reads only the inputs this slice needs.
        var skip = done;
        long inSlice = plan.ObjectCount;
        if (shard is not null)
        {
            var others = shard.OthersIn(plan).ToHashSet(StringComparer.Ordinal);
            done.RemoveWhere(others.Contains); // "already done" counts this slice only
            skip = [.. done, .. others];
            inSlice = plan.ObjectCount - others.Count;
        }

        var schedule = plan.Schedule;
        var scope = shard is null ? $"{plan.ObjectCount} objects" : $"shard {shard}: {inSlice} of {plan.ObjectCount} objects";
        progress.Totals(new ProgressTotals("write") { Objects = inSlice, ObjectsDone = done.Count, Passes = Math.Max(1, schedule.Passes.Length) });
        progress.Stage("write", $"{scope} ({done.Count} already done); {schedule.Strategy} in {Math.Max(1, schedule.Passes.Length)} pass(es), memory estimate {Sizes.Format(schedule.MemoryEstimate)} of {Sizes.Format(plan.MaxMemory)}");
        // An append: objects whose chunk shape grows with the array (a single-chunk time coordinate) wait for publish, so
        // the previous version stays readable during the whole data pass (DeferredObjectsWriter).
        var deferred = appendBase is not null && shard is null ? new DeferredObjectsWriter(writer, DeferredObjectsWriter.KeysToDefer(plan, writer)) : null;
        ITargetWriter target = deferred ?? writer;
        var pipeline = new RechunkPipeline(run, opener, target, progress, (stored, token) => deferred?.Hold(stored) == true ? ValueTask.CompletedTask : ledger.MarkDoneAsync(stored, token), fetcher);
        if (staged)
        {
            var intermediate = new IntermediateStore(beside!, StagedLayout.For(plan));
            await CheckPiecesAsync(intermediate, skip, shard!, ledger, writer.Url, ct);
            await pipeline.RunStage2Async(intermediate, skip, ct);
        }
        else
        {
            await pipeline.RunAsync(skip, ct);
        }

        if (shard is null) await PublishAsync(run, target, ledger, ct, deferred, beside);
        else await ledger.MarkShardDoneAsync(shard, inSlice, ct);
        var counters = pipeline.Counters;
        return new RunSummary(request.RecipeId, writer.Url, request.Inputs.Length, run.InputBytes, counters.BytesWritten, counters.ObjectsWritten, done.Count, false, clock.Elapsed)
        {
            PeakInputDiskBytes = run.Disk.PeakBytes,
            InputDownloads = run.Disk.Downloads,
            InputsReadByRange = run.Streamed.Count,
            Strategy = schedule.Strategy,
            Passes = schedule.Passes.Length,
            Shard = shard,
            Stage = staged ? 2 : null,
            StageNote = stageNote,
            ObjectsInSlice = inSlice,
            InputsOpened = counters.InputsOpened,
            BytesDecoded = counters.BytesDecoded,
            SpillBytes = counters.SpillBytes,
            ShardScratchBytes = counters.ShardScratchBytes,
            PeakAccountedBytes = pipeline.Account.PeakCharged,
            PeakResidentBytes = ProcessMemory.PeakResidentBytes(),
        };
    }

    /// <summary>The ledger's input records: an input read by range (or recorded that way) keeps its recorded identity while its validators match.</summary>
    private static async Task<IReadOnlyList<InputRecord>?> RecordedInputsAsync(PreparedRun run, IRunLedger ledger, CancellationToken ct) =>
        run.Streamed.Count == 0 && run.Files.Count == 0 ? null : await ledger.ReadInputsAsync(ct);

    /// <summary>The inputs' total size when every input is a local file (remote sizes are known only once fetched).</summary>
    private static long? LocalInputBytes(RunRequest request)
    {
        long total = 0;
        foreach (var input in request.Inputs)
        {
            var path = input.Url.StartsWith("file://", StringComparison.Ordinal) ? new Uri(input.Url).LocalPath
                : input.Url.Contains("://", StringComparison.Ordinal) ? null : input.Url;
            if (path is null || !File.Exists(path)) return null;
            total += new FileInfo(path).Length;
        }

        return total;
    }

    /// <summary>Every input as the ledger records it: identity, validators and the schema pass's result.</summary>
    private static List<InputRecord> InputRecordsOf(PreparedRun run, RunIdentity identity)
    {
        var byUrl = identity.Inputs.ToDictionary(i => i.Url, StringComparer.Ordinal);
        var urls = run.Request.Inputs.ToDictionary(i => (i.ConcatIndex, i.MergeIndex), i => i.Url);
        return [.. run.Inputs.Select(d =>
        {
            var key = (d.ConcatIndex, d.MergeIndex);
            if (run.Known.TryGetValue(key, out var known)) return known;
            return new InputRecord(byUrl[urls[key]], run.Streamed.TryGetValue(key, out var streamed) ? streamed.Validators : run.Files[key].Validators, d);
        })];
    }

    /// <summary>
    /// <c>forge finalize</c>: after every shard of a sharded run, checks that every object is done and publishes the
    /// metadata (arrays, group, consolidated), then marks the store complete. Running it again is a no-op ("up to
    /// date"); with objects missing it publishes nothing and names them and their shards.
    /// </summary>
    public async Task<RunSummary> FinalizeAsync(PreparedRun run, ITargetWriter writer, IRunLedger ledger, CancellationToken ct, Storage.IStore? beside = null)
    {
        var clock = Stopwatch.StartNew();
        var request = run.Request;
        await using var lease = await ledger.AcquireAsync($"forge finalize {request.RecipeId}", null, ct);
        var identity = await RunIdentity.BuildAsync(run, writer, ct, await RecordedInputsAsync(run, ledger, ct));
        var (state, detail) = await ledger.InspectAsync(identity, ct);
        var plan = run.Plan;
        switch (state)
        {
            case LedgerState.Complete:
                // A finalize killed after the commit may have left part of a staged run's intermediate store.
                if (beside is not null) await RemoveIntermediateAsync(beside, ledger, ct);
                progress.Stage("done", $"{writer.Url} is complete; nothing to finalize");
                return new RunSummary(request.RecipeId, writer.Url, request.Inputs.Length, run.InputBytes, 0, 0, plan.ObjectCount, true, clock.Elapsed) { ObjectsInSlice = plan.ObjectCount };
            case LedgerState.Empty:
                throw new TargetConflictException($"{writer.Url}: nothing to finalize: no shard of recipe {request.RecipeId} has written to it; run `forge run --shard K/N` for K = 0 … N-1 first");
            case LedgerState.Replacing:
                throw new TargetConflictException($"{writer.Url}: {detail}; run `forge run` to finish it");
            case LedgerState.Incompatible:
                throw new TargetConflictException($"{writer.Url}: {detail}; the shards and finalize must run the same recipe on the same inputs");
        }

        var missing = new List<string>();
        foreach (var id in plan.ObjectIds())
            if (!await ledger.IsDoneAsync(id, ct)) missing.Add(id);
        if (missing.Count > 0)
        {
            var finished = await ledger.FinishedShardsAsync(ct);
            var hint = "";
            if (finished.Select(s => s.Count).Distinct().SingleOrDefault() is var n and > 0)
            {
                var owners = missing.Select(id => ShardOf(plan, id, n)).Distinct().Order().Select(k => $"{k}/{n}");
                hint = $"; not written by shard(s) {string.Join(", ", owners)} (finished: {string.Join(", ", finished.Select(s => s.ToString()))})";
            }

            throw new TargetConflictException(
                $"{writer.Url}: cannot finalize: {missing.Count} of {plan.ObjectCount} objects are not written (first: {string.Join(", ", missing.Take(5))}){hint}; rerun those shards (`forge run --shard K/N` resumes), then finalize again");
        }

        await PublishAsync(run, writer, ledger, ct, null, beside);
        return new RunSummary(request.RecipeId, writer.Url, request.Inputs.Length, run.InputBytes, 0, 0, plan.ObjectCount, false, clock.Elapsed)
        {
            Strategy = plan.Schedule.Strategy,
            ObjectsInSlice = plan.ObjectCount,
            PeakResidentBytes = ProcessMemory.PeakResidentBytes(),
        };
    }

    /// <summary>
    /// The commit: metadata that makes the objects visible, then (a staged run) the intermediate store is deleted,
    /// then the ledger's completion marker: a kill before it leaves a run that the next finalize completes.
    /// </summary>
    private async Task PublishAsync(PreparedRun run, ITargetWriter writer, IRunLedger ledger, CancellationToken ct, DeferredObjectsWriter? deferred = null, Storage.IStore? beside = null)
    {
        progress.Stage("publish", "writing metadata");
        await writer.PublishAsync(run.Plan, GlobalAttributes(run), ct);
        if (deferred is not null) await deferred.MarkHeldDoneAsync(ledger, ct);
        if (beside is not null) await RemoveIntermediateAsync(beside, ledger, ct);
        await ledger.CompleteAsync(ct);
    }

    /// <summary>
    /// A static variable too large to keep from the schema pass differs between two inputs: re-reads both (when both
    /// are local files and fit in a quarter of the budget) so the error shows the first differing element, not digests.
    /// </summary>
    private async Task<DataException> FirstDifferenceAsync(StaticValuesDifferException e, RunRequest request, IReadOnlyList<InputDataset> inputs,
        IReadOnlyDictionary<(int, int), FetchedInput> files, CancellationToken ct)
    {
        var values = new byte[]?[2];
        var sides = new[] { e.A, e.B };
        for (var k = 0; k < 2; k++)
        {
            // The schema pass's own record of the input: the combiner may have given the variable the concat dim.
            var input = inputs.FirstOrDefault(i => i.ConcatIndex == sides[k].ConcatIndex && i.MergeIndex == sides[k].MergeIndex);
            if (input?.Dataset.Schema.FindVariable(e.Variable) is not { } v || !files.TryGetValue((input.ConcatIndex, input.MergeIndex), out var file)) return e;
            var bytes = v.Shape.Aggregate(1L, (x, y) => x * y) * input.Dataset.Origins[e.Variable].SourceDataType.ElementSize();
            if (bytes > request.MaxMemory / 4) return e;
            try
            {
                using var raw = await InputReading.ReadAsync(opener, request, input, file.LocalPath, e.Variable, new long[v.Rank], [.. v.Shape], ct);
                values[k] = raw.Memory.ToArray();
            }
            catch (Exception ex) when (ex is DataException or IOException)
            {
                return e; // the digests still say that they differ
            }
        }

        return e.WithDescription(StaticDifference.Describe(e.Variable, e.A, e.B, values[0], values[1]));
    }

    /// <summary>Deletes a staged run's intermediate store and its pieces' ledger records (nothing when there is none).</summary>
    private async Task RemoveIntermediateAsync(Storage.IStore store, IRunLedger ledger, CancellationToken ct)
    {
        int removed = await IntermediateStore.DeleteAllAsync(store, ct);
        await ledger.ForgetPiecesAsync(ct);
        if (removed > 0) progress.Stage("cleanup", $"deleted the intermediate store ({removed} keys under {IntermediateStore.Prefix})");
    }

    /// <summary>
    /// Whether this run is one stage of a staged sharded run (<c>--shard K/N --stage 1|2</c> of a plan that spills),
    /// and what to say when <c>--stage</c> changes nothing or less than asked.
    /// </summary>
    private static (bool Staged, string? Note) StagedMode(PreparedRun run)
    {
        var request = run.Request;
        if (request.Stage is not { } stage) return (false, null);
        if (request.Shard is null)
            return (false, $"--stage {stage} without --shard: one process runs both stages (the spill, if the plan spills, goes to local scratch as in any run)");
        if (run.Plan.Schedule.Strategy != RechunkStrategy.Spill)
        {
            var strategy = run.Plan.Schedule.Strategy switch
            {
                RechunkStrategy.SinglePass => "one pass",
                RechunkStrategy.Stream => "one pass encoding objects as their steps arrive",
                _ => $"{run.Plan.Schedule.Passes.Length} passes",
            };
            return (false, stage == 1
                ? $"--stage 1: nothing to do: the plan does not spill ({strategy}), so there is no intermediate store; stage 2 (--shard {request.Shard} --stage 2) writes this shard's objects from the inputs"
                : $"--stage 2: the plan does not spill ({strategy}); this shard writes its objects from the inputs, as a plain --shard run does");
        }

        return (true, null);
    }

    /// <summary>Stage 1: this shard's inputs (a contiguous run of concat keys), every piece they fill stored beside the target.</summary>
    private async Task<RunSummary> Stage1Async(PreparedRun run, ITargetWriter writer, IRunLedger ledger, IntermediateStore intermediate, Stopwatch clock, CancellationToken ct)
    {
        var request = run.Request;
        var shard = request.Shard!;
        var layout = intermediate.Layout;
        var (first, count) = layout.InputsOf(shard);
        var keys = layout.ConcatKeys.Skip(first).Take(count).ToHashSet();
        var donePieces = await ledger.DonePiecesAsync(ct);
        var mine = layout.PiecesOf((_, _) => true).Where(p => keys.Contains(layout.ConcatKeyOf(p.Array, p.Piece))).Select(p => p.Id).ToList();
        long already = mine.Count(donePieces.Contains);
        var inputs = count == 0 ? "no inputs" : $"inputs {first + 1}-{first + count} of {layout.ConcatKeys.Length} along '{layout.ConcatDim}'";
        progress.Totals(new ProgressTotals("write") { Objects = mine.Count, ObjectsDone = already, Passes = 1 });
        progress.Stage("write", $"stage 1 of shard {shard}: {inputs} → {mine.Count} pieces ({already} already stored) in {intermediate.Url}; memory estimate {Sizes.Format(run.Plan.Schedule.MemoryEstimate)} of {Sizes.Format(run.Plan.MaxMemory)}");
        var pipeline = new RechunkPipeline(run, opener, writer, progress, (_, _) => ValueTask.CompletedTask, fetcher);
        long written = 0;
        await pipeline.RunStage1Async(intermediate, keys.Contains, donePieces, async (id, token) =>
        {
            await ledger.MarkPieceDoneAsync(id, token);
            Interlocked.Increment(ref written);
        }, ct);
        await ledger.MarkStage1ShardDoneAsync(shard, mine.Count, ct);
        var counters = pipeline.Counters;
        return new RunSummary(request.RecipeId, writer.Url, request.Inputs.Length, run.InputBytes, 0, 0, 0, false, clock.Elapsed)
        {
            PeakInputDiskBytes = run.Disk.PeakBytes,
            InputDownloads = run.Disk.Downloads,
            InputsReadByRange = run.Streamed.Count,
            Strategy = run.Plan.Schedule.Strategy,
            Passes = 1,
            Shard = shard,
            Stage = 1,
            PiecesInSlice = mine.Count,
            PiecesWritten = written,
            InputsOpened = counters.InputsOpened,
            BytesDecoded = counters.BytesDecoded,
            SpillBytes = counters.SpillBytes,
            PeakAccountedBytes = pipeline.Account.PeakCharged,
            PeakResidentBytes = ProcessMemory.PeakResidentBytes(),
        };
    }

    /// <summary>Stage 2 refuses to start (naming the pieces and the stage-1 shards) while a piece its objects need is not stored.</summary>
    private static async Task CheckPiecesAsync(IntermediateStore intermediate, IReadOnlySet<string> skip, ShardSlice shard, IRunLedger ledger, string url, CancellationToken ct)
    {
        var layout = intermediate.Layout;
        var done = await ledger.DonePiecesAsync(ct);
        var needed = layout.PiecesOf((a, o) => !skip.Contains(a.Units.DoneId(o))).ToList();
        var missing = needed.Where(p => !done.Contains(p.Id)).ToList();
        if (missing.Count == 0) return;
        var finished = await ledger.FinishedStage1ShardsAsync(ct);
        int n = finished.Select(s => s.Count).Distinct().ToList() is [var only] ? only : shard.Count;
        var owners = missing.Select(p => layout.Stage1ShardOf(layout.ConcatKeyOf(p.Array, p.Piece), n)).Distinct().Order().Select(k => $"{k}/{n}");
        throw new TargetConflictException(
            $"{url}: stage 2 of shard {shard} cannot start: {missing.Count} of the {needed.Count} pieces its objects are assembled from are not in the intermediate store " +
            $"(first: {string.Join(", ", missing.Take(5).Select(p => p.Id))}); stage 1 has not finished for shard(s) {string.Join(", ", owners)} " +
            $"(finished: {(finished.Count == 0 ? "none" : string.Join(", ", finished.Select(s => s.ToString())))}); run `forge run --shard K/N --stage 1` for those (it resumes), then stage 2");
    }

    /// <summary>The shard of an object id ("&lt;array&gt;/&lt;i.j.k&gt;") among <paramref name="count"/>.</summary>
    private static int ShardOf(RunPlan plan, string id, int count)
    {
        int slash = id.LastIndexOf('/');
        var array = plan.GetArray(id[..slash]);
        long[] index = array.Rank == 0 ? [] : [.. id[(slash + 1)..].Split('.').Select(x => long.Parse(x, CultureInfo.InvariantCulture))];
        return ShardSlice.ShardOf(array, plan.Dataset.ConcatDim, index, count);
    }

    /// <summary>Combined global attributes, the recipe's extra attributes, then provenance.</summary>
    public static AttributeSet GlobalAttributes(PreparedRun run)
    {
        var attrs = run.Dataset.Attributes;
        foreach (var (k, v) in run.Request.ExtraAttributes) attrs = attrs.With(k, v);
        attrs = attrs.With("forge:recipe_id", AttributeValue.FromText(run.Request.RecipeId))
            .With("forge:recipe_sha256", AttributeValue.FromText(run.Request.RecipeSha256))
            .With("forge:version", AttributeValue.FromText(run.Request.ForgeVersion))
            .With("forge:inputs", AttributeValue.FromIntegers(DataType.Int64, run.Request.Inputs.Length))
            .With("forge:inputs_sha256", AttributeValue.FromText(run.InputsDigest));
        return attrs;
    }

    private static string InputsDigest(RunRequest request)
    {
        var sb = new StringBuilder();
        foreach (var i in request.Inputs.OrderBy(i => i.ConcatIndex).ThenBy(i => i.MergeIndex)) sb.Append(i.Url).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }
}

/// <summary>The target holds something this run must not overwrite without --overwrite. CLI exit code 1.</summary>
public sealed class TargetConflictException : Exception
{
    public TargetConflictException(string message) : base(message) { }

    public TargetConflictException() { }

    public TargetConflictException(string message, Exception inner) : base(message, inner) { }
}
