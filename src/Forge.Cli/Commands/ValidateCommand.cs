using System.CommandLine;
using Forge.Cli.Composition;
using Forge.Recipes;

namespace Forge.Cli.Commands;

/// <summary><c>forge validate</c>: static checks only (schema, placeholders, ranges, unsupported keys); no network.</summary>
internal static class ValidateCommand
{
    public static Command Create(CommandContext ctx)
    {
        var paths = new Argument<string[]>("recipes") { Description = "Recipe files or feedstock folders.", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("validate", "Check recipes and feedstocks without touching the network.") { paths };
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, () =>
        {
            foreach (var path in parse.GetValue(paths)!)
            {
                foreach (var recipe in RecipeLoader.Load(path))
                {
                    var request = RecipeMapping.ToRequest(recipe, new RunOverrides(null, null, null, null, null, false, false));
                    ctx.Stdout.WriteLine($"ok: {recipe.Id} ({recipe.SourcePath}): {request.Inputs.Length} inputs, concat along '{request.ConcatDim}', target {recipe.Target.Url} (Zarr v{recipe.Target.ZarrFormat})");
                }
            }

            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }
}
