using System.CommandLine;
using System.Text.Json.Nodes;
using Forge.Cli.Composition;
using Forge.Cli.Progress;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Telemetry;
using Forge.Core.Zarr;
using Forge.Recipes;
using Forge.Sources;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Commands;

/// <summary><c>forge run</c>: runs one recipe file or every recipe of a feedstock.</summary>
internal static class RunCommand
{
    public static Command Create(CommandContext ctx)
    {
        var recipeArg = new Argument<string>("recipe") { Description = "A recipe file, or a feedstock folder with meta.yaml (runs every recipe it lists)." };
        var o = new SharedRunOptions();
        var progress = new Option<string?>("--progress") { Description = "Progress display: auto (live on a terminal, else plain lines), plain, json (JSON lines on stdout), none. Setting: progress, FORGE_PROGRESS." };
        progress.AcceptOnlyFromAmong(ProgressFactory.Modes);
        var failFast = new Option<bool>("--fail-fast") { Description = "In a feedstock, stop at the first recipe that fails (default: run every recipe, then report)." };
        var feedstock = new FeedstockOptions();
        var plot = new Option<bool>("--plot") { Description = "After each recipe, write a quick-look PNG of its first data variable (first and last step) next to the store; the path is printed." };
        var cmd = new Command("run", "Fetch the inputs, rechunk them and write the Zarr target. Resumes an interrupted run; a finished run is a no-op.") { recipeArg };
        o.AddTo(cmd);
        o.AddFsyncTo(cmd);
        feedstock.AddTo(cmd);
        cmd.Options.Add(failFast);
        cmd.Options.Add(progress);
        cmd.Options.Add(plot);
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, async () =>
        {
            var overrides = o.Read(parse, ctx.Settings);
            var source = feedstock.Open(parse, parse.GetValue(recipeArg)!, ctx.Clock);
            var recipes = SharedRunOptions.Select(source.Recipes, parse.GetValue(o.RecipeId));
            SharedRunOptions.CheckOneTargetPerRecipe(recipes, overrides);
            var sink = ProgressFactory.Create(ctx.Settings.Progress, ctx);
            var outcomes = new List<RecipeOutcome>();
            foreach (var recipe in recipes)
            {
                var outcome = await RunOneAsync(recipe, overrides, sink, ctx, ct, parse.GetValue(plot));
                outcomes.Add(outcome);
                if (outcome.Exit == ExitCodes.Cancelled) return ExitCodes.Cancelled;
                if (outcome.Exit != ExitCodes.Success && parse.GetValue(failFast)) break;
            }

            // One recipe keeps its own exit code (2 for an invalid recipe); a feedstock run fails (1) when any recipe did.
            if (recipes.Length == 1) return outcomes[0].Exit;
            FeedstockSummary.Write(recipes, outcomes, sink, ctx);
            return outcomes.Any(r => r.Exit != ExitCodes.Success) ? ExitCodes.RunFailed : ExitCodes.Success;
        }));
        return cmd;
    }

    private static async Task<RecipeOutcome> RunOneAsync(Recipe recipe, RunOverrides overrides, IProgressSink sink, CommandContext ctx, CancellationToken ct, bool plot)
    {
        RunRequest? request = null;
        var targetUrl = TargetUrl(recipe, overrides);
        var started = DateTime.UtcNow;
        using var temp = TempDownloadFolder.Create("run");
        try
        {
            request = RecipeMapping.ToRequest(recipe, overrides);
            var store = StoreFactory.Open(targetUrl, recipe.Target.S3, overrides.Fsync(recipe));
            var ledger = new StoreRunLedger(store);
            // The lease first: a second run on this target refuses before it downloads anything.
            await using var lease = await ledger.AcquireAsync($"forge run {recipe.Id}", request.Shard, ct);
            using var fetcher = FetcherFactory.Create(recipe, overrides, ctx.Loggers.CreateLogger("forge.sources"), temp.Path, sink);
            var log = ctx.Loggers.CreateLogger("forge.run");
            foreach (var (key, source) in ctx.Settings.Sources.Where(kv => kv.Value != "default"))
                RunLog.Setting(log, key, SettingText(ctx.Settings, key), source);
            // Remote headers by range where possible: nothing is downloaded before the write begins (docs/engine.md).
            var opener = Readers.CreateOpener(request.MaxMemory, (url, why) => Inspection.InspectLog.NotByRange(log, url, why));
            var runner = new RecipeRunner(fetcher, opener, new LoggingProgressSink(sink, log)) { StreamInputs = true };
            if (sink is TerminalProgressSink live) live.MemoryBudget = request.MaxMemory;
            sink.Stage("recipe", $"{recipe.Id}: {request.Inputs.Length} inputs → {store.Url}");
            await using var prepared = await RecipeNameCheck.PrepareAsync(runner, recipe, request, ct, ledger);
            var format = recipe.Target.ZarrFormat == 2 ? ZarrFormat.V2 : ZarrFormat.V3;
            var writer = new ZarrTargetWriter(store, format, a => RecipeMapping.Codecs(recipe, a));
            var summary = await runner.ExecuteAsync(prepared, writer, ledger, ct, store);
            (sink as TerminalProgressSink)?.Finish();
            // The time is the whole run (fetching and the schema pass included), not only the data pass.
            // JSON: the plot event comes before the summary, which stays the last line.
            if (plot && sink is JsonProgressSink) await Plotting.RunPlot.WriteAsync(store, recipe.Id, targetUrl, sink, ctx.Stderr, ct);
            var elapsed = DateTime.UtcNow - started;
            Summarize(sink, recipe.Id, "succeeded", summary.Target, summary.Inputs, summary.BytesIn, summary.BytesOut, summary.ChunksWritten, elapsed, null, summary);
            if (sink is not JsonProgressSink)
            {
                if (summary.StageNote is { } note) ctx.Stderr.WriteLine($"forge: {recipe.Id}: {note}");
                ctx.Stderr.WriteLine(summary.UpToDate
                    ? $"forge: {recipe.Id}: {summary.Target} is up to date; nothing to do"
                    : summary is { Stage: 1, Shard: { } stage1 }
                    ? (summary.StageNote is not null
                        ? $"forge: {recipe.Id} shard {stage1} stage 1 succeeded: nothing to do"
                        : $"forge: {recipe.Id} shard {stage1} stage 1 succeeded: {summary.PiecesWritten} of its {summary.PiecesInSlice} pieces stored ({Sizes.Format(summary.SpillBytes)}) from {summary.InputsOpened} inputs, {elapsed.TotalSeconds:0.0} s. " +
                          "Run stage 2 (--stage 2) of every shard once every stage-1 shard is done, then `forge finalize`")
                    : summary.Shard is { } shard
                    ? $"forge: {recipe.Id} shard {shard}{(summary.Stage == 2 ? " stage 2" : "")} succeeded: {summary.ChunksWritten} of its {summary.ObjectsInSlice} objects written ({Sizes.Format(summary.BytesOut)})" +
                      (summary.ObjectsSkipped > 0 ? $", {summary.ObjectsSkipped} already done" : "") +
                      $", {elapsed.TotalSeconds:0.0} s. Nothing is published until every shard is done and `forge finalize` runs"
                    : $"forge: {recipe.Id} succeeded: {summary.Inputs} inputs ({Sizes.Format(summary.BytesIn)}) → {summary.ChunksWritten} objects ({Sizes.Format(summary.BytesOut)}) in {summary.Target}" +
                      (summary.ObjectsSkipped > 0 ? $" ({summary.ObjectsSkipped} objects already done)" : "") +
                      $", {elapsed.TotalSeconds:0.0} s; {PlanCommand.StrategyName(summary.Strategy)}, {summary.Passes} pass(es)" +
                      (summary.PeakResidentBytes is { } peak ? $", peak memory {Sizes.Format(peak)} (max_memory {Sizes.Format(request.MaxMemory)})" : ""));
            }

            if (plot && sink is not JsonProgressSink) await Plotting.RunPlot.WriteAsync(store, recipe.Id, targetUrl, sink, ctx.Stderr, ct);
            return new RecipeOutcome(recipe.Id, summary.Target, ExitCodes.Success, summary.UpToDate ? "up to date" : null, DateTime.UtcNow - started);
        }
        catch (Exception ex)
        {
            (sink as TerminalProgressSink)?.Finish();
            Summarize(sink, recipe.Id, "failed", targetUrl, request?.Inputs.Length ?? 0, 0, 0, 0, DateTime.UtcNow - started, ErrorReporting.Classify(ex, ct.IsCancellationRequested));
            using var message = new StringWriter();
            var exit = ErrorReporting.Report(ex, message, ct.IsCancellationRequested);
            ctx.Stderr.Write(message.ToString());
            return new RecipeOutcome(recipe.Id, targetUrl, exit, message.ToString().Split('\n')[0].Trim(), DateTime.UtcNow - started);
        }
    }

    private static string SettingText(Hosting.ForgeSettings s, string key) => key switch
    {
        "target" => s.Target ?? "",
        "cache" => s.Cache ?? "",
        "max_memory" => s.MaxMemory is { } m ? Sizes.Format(m) : "",
        "workers" => s.Workers?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
        "progress" => s.Progress,
        "log_level" => s.LogLevel.ToString().ToLowerInvariant(),
        _ => s.LogFile ?? "",
    };

    /// <summary>The store a run writes: --target or target.url, or its scratch twin for a pruned run (see <see cref="ScratchTarget"/>).</summary>
    internal static string TargetUrl(Recipe recipe, RunOverrides o) =>
        ScratchTarget.Resolve(o.Target?.Replace(SharedRunOptions.IdPlaceholder, recipe.Id, StringComparison.Ordinal) ?? recipe.Target.Url, o);

    internal static void Summarize(IProgressSink sink, string id, string status, string target, int inputs, long bytesIn, long bytesOut, long chunks, TimeSpan elapsed, ErrorReport? error, RunSummary? summary = null)
    {
        if (sink is not JsonProgressSink json) return;
        var doc = new JsonObject
        {
            ["event"] = "summary",
            ["recipe"] = id,
            ["status"] = status,
            ["target"] = target,
            ["inputs"] = inputs,
            ["bytes_in"] = bytesIn,
            ["bytes_out"] = bytesOut,
            ["chunks_written"] = chunks,
            ["seconds"] = Math.Round(elapsed.TotalSeconds, 3),
            ["error"] = error is null ? null : new JsonObject { ["kind"] = error.Kind, ["exit_code"] = error.ExitCode, ["message"] = error.Message, ["culprit"] = error.Culprit },
        };
        if (summary is not null)
        {
            doc["objects_skipped"] = summary.ObjectsSkipped;
            doc["shard"] = summary.Shard?.ToString();
            doc["stage"] = summary.Stage;
            doc["pieces_in_slice"] = summary.PiecesInSlice;
            doc["pieces_written"] = summary.PiecesWritten;
            doc["inputs_opened"] = summary.InputsOpened;
            doc["objects_in_slice"] = summary.ObjectsInSlice;
            doc["strategy"] = PlanCommand.StrategyName(summary.Strategy);
            doc["passes"] = summary.Passes;
            doc["bytes_decoded"] = summary.BytesDecoded;
            doc["spill_bytes"] = summary.SpillBytes;
            doc["shard_scratch_bytes"] = summary.ShardScratchBytes;
            doc["peak_accounted_bytes"] = summary.PeakAccountedBytes;
            doc["peak_rss_bytes"] = summary.PeakResidentBytes;
            doc["inputs_read_by_range"] = summary.InputsReadByRange;
            doc["input_downloads"] = summary.InputDownloads;
            doc["peak_input_disk_bytes"] = summary.PeakInputDiskBytes;
        }

        json.Emit(doc);
    }
}
