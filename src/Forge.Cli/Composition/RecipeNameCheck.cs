using Forge.Core.Datasets.Combine;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Execution;
using Forge.Recipes;

namespace Forge.Cli.Composition;

/// <summary>
/// Names in a recipe that only the data can confirm: chunk and shard dimensions, target.variables and their chunk
/// dimensions, and the names transforms refer to. A name the data lacks is a recipe error at its line:column with
/// the closest name the data has (exit 2), never silently ignored.
/// </summary>
internal static class RecipeNameCheck
{
    /// <summary>The runner's schema pass and plan, with transform errors and unknown names reported against the recipe.</summary>
    public static async Task<PreparedRun> PrepareAsync(RecipeRunner runner, Recipe recipe, RunRequest request, CancellationToken ct, IRunLedger? ledger = null)
    {
        PreparedRun prepared;
        try
        {
            prepared = await runner.PrepareAsync(request, ct, ledger);
        }
        catch (TransformException t) when (t.Step >= 1 && t.Step <= recipe.Transforms.Length)
        {
            var hint = t.MissingName is { } name ? DidYouMean.Hint(name, t.Candidates) : "";
            throw new RecipeException(recipe.Transforms[t.Step - 1].Location, $"{t.What}{hint} in {t.Message.Split(": transform #")[0]}");
        }

        try
        {
            Check(recipe, prepared.Dataset);
            return prepared;
        }
        catch
        {
            await prepared.DisposeAsync();
            throw;
        }
    }

    public static void Check(Recipe recipe, TargetDataset data)
    {
        var errors = new List<RecipeError>();
        var dims = data.Dimensions.Select(d => d.Name).ToArray();
        var variables = data.Variables.Select(v => v.Name).ToArray();

        void Require(string keyPath, string name, string[] known, string kind)
        {
            if (known.Contains(name, StringComparer.Ordinal)) return;
            var at = recipe.LocationOf(keyPath);
            errors.Add(new RecipeError(at.File, at.Line, at.Column, $"no {kind} '{name}' in the data{DidYouMean.Hint(name, known)}"));
        }

        if (recipe.Target.Chunks.Explicit is { } chunks)
            foreach (var dim in chunks.Keys.Order(StringComparer.Ordinal)) Require($"target.chunks.{dim}", dim, dims, "dimension");
        if (recipe.Target.Shards is { } shards)
            foreach (var dim in shards.Keys.Order(StringComparer.Ordinal)) Require($"target.shards.{dim}", dim, dims, "dimension");
        foreach (var (name, v) in recipe.Target.Variables.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Require($"target.variables.{name}", name, variables, "variable");
            if (v.Chunks?.Explicit is { } vc && data.Variables.FirstOrDefault(x => x.Name == name) is { } variable)
                foreach (var dim in vc.Keys.Order(StringComparer.Ordinal)) Require($"target.variables.{name}.chunks.{dim}", dim, [.. variable.Dimensions], $"dimension of '{name}'");
        }

        if (errors.Count > 0) throw new RecipeException([.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }
}
