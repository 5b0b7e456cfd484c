using System.CommandLine;
using System.Globalization;
using Forge.Cli.Composition;
using Forge.Core.Execution;
using Forge.Core.Telemetry;
using Forge.Core.Verification;
using Forge.Core.Zarr;
using Forge.Sources;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Commands;

/// <summary>
/// <c>forge verify</c>: reads a recipe's target back. Without <c>--sample</c> it needs no input: the ledger says the
/// run finished, the metadata is what the ledger recorded, and every object exists, decodes and has the bytes the run
/// stored. <c>--sample N</c> (or <c>all</c>) also fetches the inputs, checks their identities against the ledger and
/// compares N inputs' values with the store. Exit 1 naming each mismatch; it never writes to the target.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CommandContext ctx)
    {
        var recipeArg = new Argument<string>("recipe") { Description = "The recipe file (or feedstock folder) whose target to verify." };
        var sample = new Option<string?>("--sample") { Description = "Also re-read N inputs (evenly spread, first and last included; 'all' for every input) and compare their values with the store. Default: no input is read." };
        var o = new SharedRunOptions();
        var feedstock = new FeedstockOptions();
        var cmd = new Command("verify", "Read the target back: every object the metadata promises exists, decodes and matches the ledger; with --sample, inputs are re-read and compared value for value.") { recipeArg };
        o.AddReadOptionsTo(cmd);
        feedstock.AddTo(cmd);
        cmd.Options.Add(sample);
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, async () =>
        {
            var count = ParseSample(parse.GetValue(sample));
            var overrides = o.Read(parse, ctx.Settings);
            var source = feedstock.Open(parse, parse.GetValue(recipeArg)!, ctx.Clock);
            var recipes = SharedRunOptions.Select(source.Recipes, parse.GetValue(o.RecipeId));
            SharedRunOptions.CheckOneTargetPerRecipe(recipes, overrides);
            var failed = false;
            foreach (var recipe in recipes)
                failed |= !await VerifyOneAsync(recipe, overrides, count, ctx, ct);
            return failed ? ExitCodes.RunFailed : ExitCodes.Success;
        }));
        return cmd;
    }

    private static int ParseSample(string? text)
    {
        if (text is null) return 0;
        if (text == "all") return int.MaxValue;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : throw new UsageException($"--sample {text}: expected a number of inputs (0 or more) or 'all'");
    }

    private static async Task<bool> VerifyOneAsync(Forge.Recipes.Recipe recipe, RunOverrides overrides, int sample, CommandContext ctx, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var targetUrl = RunCommand.TargetUrl(recipe, overrides);
        var store = StoreFactory.Open(targetUrl, recipe.Target.S3);
        Readers.RegisterNativeCodecs();
        var verifier = new TargetVerifier(store);
        VerifyReport report;
        if (sample == 0)
        {
            report = await verifier.VerifyAsync(ct);
        }
        else
        {
            var request = RecipeMapping.ToRequest(recipe, overrides);
            using var temp = TempDownloadFolder.Create("verify");
            using var fetcher = FetcherFactory.Create(recipe, overrides, ctx.Loggers.CreateLogger("forge.sources"), temp.Path);
            var opener = Readers.CreateOpener(request.MaxMemory);
            var runner = new RecipeRunner(fetcher, opener, NullProgressSink.Instance);
            await using var prepared = await RecipeNameCheck.PrepareAsync(runner, recipe, request, ct);
            var format = recipe.Target.ZarrFormat == 2 ? ZarrFormat.V2 : ZarrFormat.V3;
            var writer = new ZarrTargetWriter(store, format, a => RecipeMapping.Codecs(recipe, a));
            report = await verifier.VerifyAsync(prepared, writer, opener, sample, ct);
        }

        foreach (var f in report.Findings.OrderBy(f => f.Subject, StringComparer.Ordinal))
            ctx.Stderr.WriteLine($"forge verify: mismatch: {f}");
        var what = $"{report.Arrays} arrays, {report.Objects} objects" +
                   (sample > 0 ? $", {report.InputsSampled} inputs re-read ({report.ValuesCompared} values compared)" : "");
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        ctx.Stderr.WriteLine(report.Ok
            ? $"forge verify: {recipe.Id}: {store.Url} is OK: {what}, {seconds:0.0} s"
            : $"forge verify: {recipe.Id}: {report.Findings.Count} mismatch(es) in {store.Url} ({what} checked)");
        return report.Ok;
    }
}
