using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Cli.Composition;
using Forge.Recipes;

namespace Forge.Cli.Commands;

/// <summary>
/// <c>forge validate</c>: static checks only (schema, placeholders, ranges, unsupported keys); no network. Every file
/// given is checked and every error reported (<c>file:line:column: what</c>, one per line on stderr) before the exit
/// code (2 when any file is invalid) is decided.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create(CommandContext ctx)
    {
        var paths = new Argument<string[]>("recipes") { Description = "Recipe files or feedstock folders.", Arity = ArgumentArity.OneOrMore };
        var feedstock = new FeedstockOptions();
        var json = new Option<bool>("--json") { Description = "Print one JSON document: valid, the recipes found and every error (file, line, column, message)." };
        var cmd = new Command("validate", "Check recipes and feedstocks without touching the network.") { paths, json };
        feedstock.AddTo(cmd);
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, () =>
        {
            var given = parse.GetValue(paths)!;
            var report = parse.GetValue(json) ? new JsonReport() : null;
            int invalid = 0, errors = 0;
            foreach (var path in given)
            {
                var found = Check(path, parse, feedstock, ctx, report);
                if (found > 0) { invalid++; errors += found; }
            }

            if (report is not null)
            {
                var doc = new JsonObject { ["valid"] = invalid == 0, ["recipes"] = report.Recipes, ["errors"] = report.Errors };
                ctx.Stdout.WriteLine(doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return Task.FromResult(invalid == 0 ? ExitCodes.Success : ExitCodes.Invalid);
            }

            if (invalid == 0) return Task.FromResult(ExitCodes.Success);
            ctx.Stderr.WriteLine(given.Length == 1
                ? $"forge: {given[0]} is invalid ({Plural(errors, "error")})"
                : $"forge: {invalid} of {given.Length} arguments are invalid ({Plural(errors, "error")})");
            return Task.FromResult(ExitCodes.Invalid);
        }));
        return cmd;
    }

    /// <summary>Validates one argument; returns how many errors it has (all of them printed).</summary>
    /// <summary>What <c>--json</c> collects instead of printing lines.</summary>
    private sealed class JsonReport
    {
        public JsonArray Recipes { get; } = [];

        public JsonArray Errors { get; } = [];

        public void Add(RecipeError e) => Errors.Add(new JsonObject { ["file"] = e.File, ["line"] = e.Line, ["column"] = e.Column, ["message"] = e.Message });
    }

    private static int Check(string path, ParseResult parse, FeedstockOptions feedstock, CommandContext ctx, JsonReport? report)
    {
        RecipeSource source;
        try
        {
            source = feedstock.Open(parse, path, ctx.Clock);
        }
        catch (RecipeException e)
        {
            foreach (var error in e.Errors)
            {
                if (report is null) ctx.Stderr.WriteLine(error);
                else report.Add(error);
            }

            return e.Errors.Length;
        }

        var errors = 0;
        foreach (var recipe in source.Recipes)
        {
            try
            {
                var request = RecipeMapping.ToRequest(recipe, new RunOverrides(null, null, null, null, null, false, false));
                if (report is not null)
                {
                    report.Recipes.Add(new JsonObject
                    {
                        ["id"] = recipe.Id, ["source"] = recipe.SourcePath, ["inputs"] = request.Inputs.Length, ["concat_dim"] = request.ConcatDim,
                        ["target"] = recipe.Target.Url, ["zarr_format"] = recipe.Target.ZarrFormat,
                    });
                    continue;
                }

                ctx.Stdout.WriteLine($"ok: {recipe.Id} ({recipe.SourcePath}): {request.Inputs.Length} inputs, concat along '{request.ConcatDim}', target {recipe.Target.Url} (Zarr v{recipe.Target.ZarrFormat})");
            }
            catch (RecipeException e)
            {
                foreach (var error in e.Errors)
                {
                    if (report is null) ctx.Stderr.WriteLine(error);
                    else report.Add(error);
                }

                errors += e.Errors.Length;
            }
        }

        return errors;
    }

    private static string Plural(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
