using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Cli.Composition;
using Forge.Core.Datasets.Combine;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Telemetry;
using Forge.Recipes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forge.Cli.Commands;

/// <summary>
/// <c>forge plan</c>: inputs, target schema, chunk/shard grid, objects and the memory estimate. <c>--probe auto</c>
/// (default) is <c>first</c> when the recipe gives <c>items_per_file</c>, else <c>all</c>; <c>all</c> fetches and
/// opens every input; <c>first</c> only the first concat key's files (the concat length is then keys × the first
/// file's length, exact with items_per_file); <c>none</c> reads nothing and shows the inputs and settings.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(CommandContext ctx)
    {
        var recipeArg = new Argument<string>("recipe") { Description = "A recipe file or feedstock folder." };
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON on stdout." };
        var probe = new Option<string>("--probe") { Description = "Which inputs to open: none, first, all, or auto (first when the recipe gives items_per_file, else all).", DefaultValueFactory = _ => "auto" };
        probe.AcceptOnlyFromAmong("auto", "none", "first", "all");
        var o = new SharedRunOptions();
        var feedstock = new FeedstockOptions();
        var cmd = new Command("plan", "Show what `forge run` would do, without writing anything.") { recipeArg };
        o.AddTo(cmd);
        feedstock.AddTo(cmd);
        cmd.Options.Add(json);
        cmd.Options.Add(probe);
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, async () =>
        {
            var overrides = o.Read(parse, ctx.Settings);
            var source = feedstock.Open(parse, parse.GetValue(recipeArg)!, ctx.Clock);
            var plans = new JsonArray();
            var recipes = SharedRunOptions.Select(source.Recipes, parse.GetValue(o.RecipeId));
            SharedRunOptions.CheckOneTargetPerRecipe(recipes, overrides);
            foreach (var recipe in recipes)
            {
                var request = RecipeMapping.ToRequest(recipe, overrides);
                var doc = Describe(recipe, request, RunCommand.TargetUrl(recipe, overrides));
                var mode = parse.GetValue(probe)!;
                // With items_per_file every input's length along the concat dimension is known: the first key's
                // files give the schema, and the full plan is extrapolated without fetching every input.
                if (mode == "auto") mode = request.ItemsPerFile is not null && request.Inputs.Any(i => i.ConcatIndex > 0) ? "first" : "all";
                doc["probe"] = mode;
                doc["inputs_read"] = mode switch { "none" => 0, "first" => request.Inputs.Count(i => i.ConcatIndex == 0), _ => request.Inputs.Length };
                if (mode != "none")
                {
                    var probed = mode == "first" ? request with { Inputs = [.. request.Inputs.Where(i => i.ConcatIndex == 0)] } : request;
                    var temp = Forge.Sources.TempDownloadFolder.Create("plan");
                    try
                    {
                        using var fetcher = FetcherFactory.Create(recipe, overrides, NullLogger.Instance, temp.Path);
                        // Remote classic netCDF inputs on servers that honour ranges: headers and coordinates by range, no download.
                        var log = ctx.Loggers.CreateLogger("forge.plan");
                        var opener = Readers.CreateOpener(null, (url, why) => Inspection.InspectLog.NotByRange(log, url, why));
                        var runner = new RecipeRunner(fetcher, opener, NullProgressSink.Instance) { HeadersByRange = true };
                        await using var prepared = await RecipeNameCheck.PrepareAsync(runner, recipe, probed, ct);
                        doc["inputs_read_by_range"] = prepared.ByRange.Inputs;
                        doc["range_bytes_fetched"] = prepared.ByRange.BytesFetched;
                        doc["range_inputs_bytes"] = prepared.ByRange.InputBytes;
                        doc["inputs_downloaded"] = prepared.Files.Count;
                        doc["bytes_downloaded"] = prepared.BytesIn;
                        var keys = mode == "first" ? request.Inputs.Max(i => i.ConcatIndex) + 1 : 1;
                        var plan = keys > 1
                            ? RechunkPlanner.Plan(Extrapolate(prepared.Dataset, keys), request.Chunking, request.PerVariableChunking, request.MaxMemory, request.Workers, request.Strategy, PlanCosts.ForScratch(request.ScratchDirectory), request.StreamMemory)
                            : prepared.Plan;
                        doc["plan"] = DescribePlan(plan, keys > 1);
                        if (request.Shard is { } shard) doc["slice"] = ShardPlan.Describe(plan, shard, request.Stage, request.Inputs);
                    }
                    finally
                    {
                        temp.Dispose();
                    }
                }

                if (parse.GetValue(json)) plans.Add(doc);
                else WriteText(ctx.Stdout, doc);
            }

            // One JSON document: a recipe file's plan, or for a feedstock { "feedstock": ..., "recipes": [plan, ...] }.
            if (parse.GetValue(json))
            {
                JsonNode output = source.Feedstock is { } meta
                    ? new JsonObject
                    {
                        ["feedstock"] = new JsonObject { ["title"] = meta.Title, ["meta"] = meta.SourcePath },
                        ["recipes"] = plans,
                    }
                    : plans[0]!.DeepClone();
                ctx.Stdout.WriteLine(output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }

            return ExitCodes.Success;
        }));
        return cmd;
    }

    private static JsonObject Describe(Recipe recipe, RunRequest request, string target) => new()
    {
        ["recipe"] = recipe.Id,
        ["target"] = target,
        ["zarr_format"] = recipe.Target.ZarrFormat,
        ["inputs"] = request.Inputs.Length,
        ["first_input"] = request.Inputs.FirstOrDefault()?.Url,
        ["last_input"] = request.Inputs.LastOrDefault()?.Url,
        ["concat_dim"] = request.ConcatDim,
        ["max_memory"] = request.MaxMemory,
        ["workers"] = request.Workers,
        ["strategy_requested"] = RunSpec.StrategyNames.First(kv => kv.Value == request.Strategy).Key,
        ["scratch"] = request.ScratchDirectory ?? Path.GetTempPath(),
    };

    /// <summary>
    /// The dataset as if every concat key's files were like the first key's: the concat dimension (and every array
    /// along it) grows to keys × the first length, so the planned shapes, chunks, objects and memory are the full run's.
    /// </summary>
    private static TargetDataset Extrapolate(TargetDataset first, int keys)
    {
        var length = first.ConcatLength;
        return first with
        {
            Dimensions = [.. first.Dimensions.Select(d => d.Name == first.ConcatDim ? d with { Length = length * keys } : d)],
            Variables = [.. first.Variables.Select(v => v.ConcatAxis(first.ConcatDim) is var axis and >= 0
                ? v with { Shape = v.Shape.SetItem(axis, v.Shape[axis] * keys) }
                : v)],
            Segments = [.. Enumerable.Range(0, keys).SelectMany(k => first.Segments.Select(s => s with { ConcatIndex = k, Start = s.Start + (k * length) }))],
        };
    }

    private static JsonObject DescribePlan(RunPlan plan, bool estimated)
    {
        var arrays = new JsonArray();
        foreach (var a in plan.Arrays)
        {
            arrays.Add(new JsonObject
            {
                ["name"] = a.Variable.Name,
                ["dtype"] = a.Variable.DataType.ToString().ToLowerInvariant(),
                ["dims"] = new JsonArray([.. a.Variable.Dimensions.Select(d => (JsonNode)d)]),
                ["shape"] = new JsonArray([.. a.Shape.Select(s => (JsonNode)s)]),
                ["chunks"] = new JsonArray([.. a.ChunkShape.Select(s => (JsonNode)s)]),
                ["shards"] = a.ShardShape is { } sh ? new JsonArray([.. sh.Select(s => (JsonNode)s)]) : null,
                ["objects"] = a.ObjectCount,
            });
        }

        return new JsonObject
        {
            ["estimated_from_first_input"] = estimated,
            ["concat_length"] = plan.Dataset.ConcatLength,
            ["arrays"] = arrays,
            ["objects"] = plan.ObjectCount,
            ["strategy"] = StrategyName(plan.Schedule.Strategy),
            ["passes"] = plan.Schedule.Passes.Length,
            ["strategy_reason"] = plan.Schedule.Reason,
            ["intermediate_bytes"] = plan.Schedule.IntermediateBytes,
            ["decode_bytes_estimate"] = plan.Schedule.DecodeBytes,
            ["open_set_bytes"] = plan.Schedule.OpenSetBytes,
            ["decode_workers"] = plan.Schedule.DecodeWorkers,
            ["encode_workers"] = plan.Schedule.EncodeWorkers,
            ["writes_in_flight"] = plan.Schedule.WritesInFlight,
            ["memory_estimate_bytes"] = plan.EstimatedPeakBytes,
            ["memory_shares"] = new JsonObject
            {
                ["accumulators"] = plan.Schedule.Shares.Accumulators,
                ["decode"] = plan.Schedule.Shares.Decode,
                ["encode"] = plan.Schedule.Shares.Encode,
            },
        };
    }

    internal static string StrategyName(RechunkStrategy s) => s switch
    {
        RechunkStrategy.SinglePass => "single-pass",
        RechunkStrategy.MultiPass => "multi-pass",
        RechunkStrategy.Stream => "stream",
        _ => "spill",
    };

    private static void WriteText(TextWriter w, JsonObject doc)
    {
        w.WriteLine($"recipe {doc["recipe"]} → {doc["target"]} (Zarr v{doc["zarr_format"]})");
        w.WriteLine($"  inputs: {doc["inputs"]}, concat along '{doc["concat_dim"]}'; fetched and opened for this plan: {doc["inputs_read"]} (--probe {doc["probe"]})");
        if (doc["inputs_read_by_range"] is { } ranged && ranged.GetValue<int>() > 0)
        {
            w.WriteLine($"    read by range (header and coordinates only): {ranged} inputs, {Sizes.Format(doc["range_bytes_fetched"]!.GetValue<long>())} of {Sizes.Format(doc["range_inputs_bytes"]!.GetValue<long>())}; " +
                        $"downloaded whole: {doc["inputs_downloaded"]} ({Sizes.Format(doc["bytes_downloaded"]!.GetValue<long>())})");
        }

        w.WriteLine($"    first: {doc["first_input"]}");
        w.WriteLine($"    last:  {doc["last_input"]}");
        if (doc["plan"] is not JsonObject plan)
        {
            w.WriteLine("  (no inputs probed: run with --probe first or all for the target schema)");
            return;
        }

        var est = plan["estimated_from_first_input"]!.GetValue<bool>() ? " (estimated from the first input)" : "";
        w.WriteLine($"  {doc["concat_dim"]}: {plan["concat_length"]}{est}");
        w.WriteLine("  arrays:");
        foreach (var a in plan["arrays"]!.AsArray())
        {
            string Join(string key) => a![key] is JsonArray arr ? string.Join(", ", arr.Select(x => x!.ToString())) : "-";
            w.WriteLine($"    {a!["name"],-12} {a["dtype"],-8} ({Join("dims")}) shape ({Join("shape")}) chunks ({Join("chunks")})" +
                        (a["shards"] is null ? "" : $" shards ({Join("shards")})") + $", {a["objects"]} objects");
        }

        w.WriteLine($"  objects: {plan["objects"]}; strategy: {plan["strategy"]} (run.strategy {doc["strategy_requested"]}), {plan["passes"]} pass(es) over the inputs" +
                    (plan["intermediate_bytes"]!.GetValue<long>() > 0 ? $", {Sizes.Format(plan["intermediate_bytes"]!.GetValue<long>())} intermediate on local scratch ({doc["scratch"]})" : ""));
        w.WriteLine($"    why: {plan["strategy_reason"]}");
        var shares = plan["memory_shares"]!;
        w.WriteLine($"  memory estimate {Sizes.Format(plan["memory_estimate_bytes"]!.GetValue<long>())} of max_memory {Sizes.Format(doc["max_memory"]!.GetValue<long>())} " +
                    $"(accumulators {Sizes.Format(shares["accumulators"]!.GetValue<long>())}, decode {Sizes.Format(shares["decode"]!.GetValue<long>())}, encode {Sizes.Format(shares["encode"]!.GetValue<long>())}); " +
                    $"{plan["decode_workers"]} decode / {plan["encode_workers"]} encode workers, {plan["writes_in_flight"]} objects in encode or write at once");
        if (doc["slice"] is JsonObject slice) ShardPlan.WriteText(w, slice);
    }
}
