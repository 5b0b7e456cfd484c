using System.CommandLine;
using System.Text.Json.Nodes;
using Forge.Cli.Composition;
using Forge.Cli.Progress;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Telemetry;
using Forge.Core.Zarr;
using Forge.Recipes;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Commands;

/// <summary><c>forge run</c>: runs one recipe file or every recipe of a feedstock.</summary>
internal static class RunCommand
{
    public static Command Create(CommandContext ctx)
    {
        var recipeArg = new Argument<string>("recipe") { Description = "A recipe file, or a feedstock folder with meta.yaml (runs every recipe it lists)." };
        var o = new SharedRunOptions();
        var progress = new Option<string>("--progress") { Description = "Progress display: auto (live on a terminal, else plain lines), plain, json (JSON lines on stdout), none.", DefaultValueFactory = _ => "auto" };
        progress.AcceptOnlyFromAmong(ProgressFactory.Modes);
        var cmd = new Command("run", "Fetch the inputs, rechunk them and write the Zarr target. Resumes an interrupted run; a finished run is a no-op.") { recipeArg };
        o.AddTo(cmd);
        cmd.Options.Add(progress);
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, async () =>
        {
            var overrides = o.Read(parse);
            var recipes = SharedRunOptions.Select(RecipeLoader.Load(parse.GetValue(recipeArg)!), parse.GetValue(o.RecipeId));
            var sink = ProgressFactory.Create(parse.GetValue(progress)!, ctx);
            int exit = ExitCodes.Success;
            foreach (var recipe in recipes)
            {
                exit = await RunOneAsync(recipe, overrides, sink, ctx, ct);
                if (exit != ExitCodes.Success) break;
            }

            return exit;
        }));
        return cmd;
    }

    private static async Task<int> RunOneAsync(Recipe recipe, RunOverrides overrides, IProgressSink sink, CommandContext ctx, CancellationToken ct)
    {
        var request = RecipeMapping.ToRequest(recipe, overrides);
        var targetUrl = TargetUrl(recipe, overrides);
        var started = DateTime.UtcNow;
        var temp = Directory.CreateTempSubdirectory("forge-");
        // Log lines go to stderr: stdout carries only the `--progress json` lines.
        using var loggers = LoggerFactory.Create(b => b
            .AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(c => c.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning));
        try
        {
            var store = StoreFactory.Open(targetUrl, recipe.Target.S3);
            using var fetcher = FetcherFactory.Create(recipe, overrides, loggers.CreateLogger("forge.sources"), temp.FullName);
            var runner = new RecipeRunner(fetcher, Readers.CreateOpener(), sink);
            sink.Stage("recipe", $"{recipe.Id}: {request.Inputs.Length} inputs → {store.Url}");
            await using var prepared = await runner.PrepareAsync(request, ct);
            var format = recipe.Target.ZarrFormat == 2 ? ZarrFormat.V2 : ZarrFormat.V3;
            var writer = new ZarrTargetWriter(store, format, a => RecipeMapping.Codecs(recipe, a));
            var summary = await runner.ExecuteAsync(prepared, writer, new StoreRunLedger(store), ct);
            (sink as TerminalProgressSink)?.Finish();
            Summarize(sink, recipe.Id, "succeeded", summary.Target, summary.Inputs, summary.BytesIn, summary.BytesOut, summary.ChunksWritten, summary.Elapsed, summary);
            if (sink is not JsonProgressSink)
            {
                ctx.Stderr.WriteLine(summary.UpToDate
                    ? $"forge: {recipe.Id}: {summary.Target} is up to date; nothing to do"
                    : $"forge: {recipe.Id} succeeded: {summary.Inputs} inputs ({Sizes.Format(summary.BytesIn)}) → {summary.ChunksWritten} objects ({Sizes.Format(summary.BytesOut)}) in {summary.Target}" +
                      (summary.ObjectsSkipped > 0 ? $" ({summary.ObjectsSkipped} objects already done)" : "") +
                      $", {summary.Elapsed.TotalSeconds:0.0} s; {PlanCommand.StrategyName(summary.Strategy)}, {summary.Passes} pass(es)" +
                      (summary.PeakResidentBytes is { } peak ? $", peak memory {Sizes.Format(peak)} (max_memory {Sizes.Format(request.MaxMemory)})" : ""));
            }

            return ExitCodes.Success;
        }
        catch (Exception ex)
        {
            (sink as TerminalProgressSink)?.Finish();
            Summarize(sink, recipe.Id, "failed", targetUrl, request.Inputs.Length, 0, 0, 0, DateTime.UtcNow - started);
            return ErrorReporting.Report(ex, ctx.Stderr, ct.IsCancellationRequested);
        }
        finally
        {
            try { temp.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    internal static string TargetUrl(Recipe recipe, RunOverrides o) => o.Target ?? recipe.Target.Url;

    private static void Summarize(IProgressSink sink, string id, string status, string target, int inputs, long bytesIn, long bytesOut, long chunks, TimeSpan elapsed, RunSummary? summary = null)
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
        };
        if (summary is not null)
        {
            doc["objects_skipped"] = summary.ObjectsSkipped;
            doc["strategy"] = PlanCommand.StrategyName(summary.Strategy);
            doc["passes"] = summary.Passes;
            doc["bytes_decoded"] = summary.BytesDecoded;
            doc["spill_bytes"] = summary.SpillBytes;
            doc["peak_accounted_bytes"] = summary.PeakAccountedBytes;
            doc["peak_rss_bytes"] = summary.PeakResidentBytes;
        }

        json.Emit(doc);
    }
}
