using System.Text.Json.Nodes;
using Forge.Cli.Progress;
using Forge.Core.Telemetry;
using Forge.Recipes;

namespace Forge.Cli.Commands;

/// <summary>How one recipe of a run ended: exit code 0 succeeded, anything else failed (with the first error line).</summary>
internal sealed record RecipeOutcome(string Id, string Target, int Exit, string? Note, TimeSpan Elapsed)
{
    public bool Succeeded => Exit == ExitCodes.Success;
}

/// <summary>
/// The end of a feedstock run: one line per recipe (succeeded, failed with its first error line, or skipped after
/// <c>--fail-fast</c>), on stderr, and as a <c>{"event":"feedstock_summary"}</c> JSON line with <c>--progress json</c>.
/// </summary>
internal static class FeedstockSummary
{
    public static void Write(IReadOnlyList<Recipe> recipes, IReadOnlyList<RecipeOutcome> outcomes, IProgressSink sink, CommandContext ctx)
    {
        var byId = outcomes.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var failed = outcomes.Count(r => !r.Succeeded);
        var skipped = recipes.Count - outcomes.Count;
        if (sink is JsonProgressSink json)
        {
            var list = new JsonArray();
            foreach (var recipe in recipes)
            {
                var entry = new JsonObject { ["recipe"] = recipe.Id };
                if (byId.TryGetValue(recipe.Id, out var r))
                {
                    entry["status"] = r.Succeeded ? "succeeded" : "failed";
                    entry["target"] = r.Target;
                    entry["seconds"] = Math.Round(r.Elapsed.TotalSeconds, 3);
                    if (!r.Succeeded) entry["error"] = r.Note;
                }
                else
                {
                    entry["status"] = "skipped";
                }

                list.Add(entry);
            }

            json.Emit(new JsonObject { ["event"] = "feedstock_summary", ["recipes"] = list, ["succeeded"] = outcomes.Count - failed, ["failed"] = failed, ["skipped"] = skipped });
            return;
        }

        var width = recipes.Max(r => r.Id.Length);
        ctx.Stderr.WriteLine($"forge: summary of {recipes.Count} recipes:");
        foreach (var recipe in recipes)
        {
            var line = byId.TryGetValue(recipe.Id, out var r)
                ? r.Succeeded
                    ? $"  succeeded  {recipe.Id.PadRight(width)}  {r.Target}{(r.Note is null ? "" : $" ({r.Note})")}, {r.Elapsed.TotalSeconds:0.0} s"
                    : $"  FAILED     {recipe.Id.PadRight(width)}  {r.Note}"
                : $"  skipped    {recipe.Id.PadRight(width)}  (--fail-fast: an earlier recipe failed)";
            ctx.Stderr.WriteLine(line);
        }

        ctx.Stderr.WriteLine(failed == 0
            ? $"forge: all {recipes.Count} recipes succeeded"
            : $"forge: {failed} of {recipes.Count} recipes failed" + (skipped > 0 ? $", {skipped} skipped" : ""));
    }
}
