using System.CommandLine;
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
        var cmd = new Command("validate", "Check recipes and feedstocks without touching the network.") { paths };
        feedstock.AddTo(cmd);
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, () =>
        {
            var given = parse.GetValue(paths)!;
            int invalid = 0, errors = 0;
            foreach (var path in given)
            {
                var found = Check(path, parse, feedstock, ctx);
                if (found > 0) { invalid++; errors += found; }
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
    private static int Check(string path, ParseResult parse, FeedstockOptions feedstock, CommandContext ctx)
    {
        RecipeSource source;
        try
        {
            source = feedstock.Open(parse, path);
        }
        catch (RecipeException e)
        {
            foreach (var error in e.Errors) ctx.Stderr.WriteLine(error);
            return e.Errors.Length;
        }

        var errors = 0;
        foreach (var recipe in source.Recipes)
        {
            try
            {
                var request = RecipeMapping.ToRequest(recipe, new RunOverrides(null, null, null, null, null, false, false));
                ctx.Stdout.WriteLine($"ok: {recipe.Id} ({recipe.SourcePath}): {request.Inputs.Length} inputs, concat along '{request.ConcatDim}', target {recipe.Target.Url} (Zarr v{recipe.Target.ZarrFormat})");
            }
            catch (RecipeException e)
            {
                foreach (var error in e.Errors) ctx.Stderr.WriteLine(error);
                errors += e.Errors.Length;
            }
        }

        return errors;
    }

    private static string Plural(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
