using System.CommandLine;
using Forge.Cli.Composition;
using Forge.Cli.Progress;
using Forge.Core.Execution;
using Forge.Core.Zarr;
using Forge.Sources;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Commands;

/// <summary>
/// <c>forge finalize</c>: after every shard of a sharded run (<c>forge run --shard K/N</c>), checks that every object
/// is done and publishes the metadata (arrays, group, consolidated), then marks the store complete. Idempotent: a
/// complete store is "up to date" (exit 0); with objects missing nothing is published (exit 1, naming the shards).
/// </summary>
internal static class FinalizeCommand
{
    public static Command Create(CommandContext ctx)
    {
        var recipeArg = new Argument<string>("recipe") { Description = "The recipe file (or feedstock folder) the shards ran." };
        var o = new SharedRunOptions();
        var progress = new Option<string?>("--progress") { Description = "Progress display: auto, plain, json (JSON lines on stdout), none. Setting: progress, FORGE_PROGRESS." };
        progress.AcceptOnlyFromAmong(ProgressFactory.Modes);
        var feedstock = new FeedstockOptions();
        var cmd = new Command("finalize", "After all shards of a sharded run: check every object is written, then publish the metadata (arrays, group, consolidated) and mark the store complete. Running it again is harmless.") { recipeArg };
        o.AddReadOptionsTo(cmd);
        feedstock.AddTo(cmd);
        cmd.Options.Add(progress);
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, async () =>
        {
            var overrides = o.Read(parse, ctx.Settings);
            var source = feedstock.Open(parse, parse.GetValue(recipeArg)!, ctx.Clock);
            var recipes = SharedRunOptions.Select(source.Recipes, parse.GetValue(o.RecipeId));
            SharedRunOptions.CheckOneTargetPerRecipe(recipes, overrides);
            var sink = ProgressFactory.Create(ctx.Settings.Progress, ctx);
            var exit = ExitCodes.Success;
            foreach (var recipe in recipes)
            {
                var code = await FinalizeOneAsync(recipe, overrides, sink, ctx, ct);
                if (code == ExitCodes.Cancelled) return code;
                if (code != ExitCodes.Success) exit = recipes.Length == 1 ? code : ExitCodes.RunFailed;
            }

            return exit;
        }));
        return cmd;
    }

    private static async Task<int> FinalizeOneAsync(Forge.Recipes.Recipe recipe, RunOverrides overrides, Core.Telemetry.IProgressSink sink, CommandContext ctx, CancellationToken ct)
    {
        var targetUrl = RunCommand.TargetUrl(recipe, overrides);
        var started = DateTime.UtcNow;
        RunRequest? request = null;
        using var temp = TempDownloadFolder.Create("finalize");
        try
        {
            request = RecipeMapping.ToRequest(recipe, overrides);
            var store = StoreFactory.Open(targetUrl, recipe.Target.S3);
            var ledger = new StoreRunLedger(store);
            // The whole target's lease first: refused while any shard still runs, before anything is downloaded.
            await using var lease = await ledger.AcquireAsync($"forge finalize {recipe.Id}", null, ct);
            using var fetcher = FetcherFactory.Create(recipe, overrides, ctx.Loggers.CreateLogger("forge.sources"), temp.Path);
            var log = ctx.Loggers.CreateLogger("forge.finalize");
            // Headers by range where possible: finalize publishes metadata and downloads no input it can avoid.
            var runner = new RecipeRunner(fetcher, Readers.CreateOpener(request.MaxMemory, (url, why) => Inspection.InspectLog.NotByRange(log, url, why)), new LoggingProgressSink(sink, log)) { StreamInputs = true };
            sink.Stage("recipe", $"{recipe.Id}: finalize {store.Url}");
            await using var prepared = await RecipeNameCheck.PrepareAsync(runner, recipe, request, ct);
            var format = recipe.Target.ZarrFormat == 2 ? ZarrFormat.V2 : ZarrFormat.V3;
            var writer = new ZarrTargetWriter(store, format, a => RecipeMapping.Codecs(recipe, a));
            var summary = await runner.FinalizeAsync(prepared, writer, ledger, ct, store);
            (sink as TerminalProgressSink)?.Finish();
            var elapsed = DateTime.UtcNow - started;
            RunCommand.Summarize(sink, recipe.Id, "succeeded", summary.Target, summary.Inputs, summary.BytesIn, 0, 0, elapsed, null, summary);
            if (sink is not JsonProgressSink)
            {
                ctx.Stderr.WriteLine(summary.UpToDate
                    ? $"forge: {recipe.Id}: {summary.Target} is complete; nothing to finalize"
                    : $"forge: {recipe.Id} finalized: {summary.ObjectsInSlice} objects, metadata published in {summary.Target}, {elapsed.TotalSeconds:0.0} s");
            }

            return ExitCodes.Success;
        }
        catch (Exception ex)
        {
            (sink as TerminalProgressSink)?.Finish();
            RunCommand.Summarize(sink, recipe.Id, "failed", targetUrl, request?.Inputs.Length ?? 0, 0, 0, 0, DateTime.UtcNow - started, ErrorReporting.Classify(ex, ct.IsCancellationRequested));
            return ErrorReporting.Report(ex, ctx.Stderr, ct.IsCancellationRequested);
        }
    }
}
