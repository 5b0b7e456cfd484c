using System.Collections.Immutable;
using Forge.Recipes.Parsing;

namespace Forge.Recipes;

/// <summary>
/// Reads recipe files and feedstock folders. Every problem is a <see cref="RecipeException"/> whose message starts
/// with <c>file:line:column: what is wrong</c>; nothing here touches the network.
/// </summary>
public static class RecipeLoader
{
    public const string MetaFileName = "meta.yaml";

    /// <summary>
    /// Parses and validates one recipe file. <paramref name="clock"/> is "now" for relative range ends
    /// (<c>end: today</c>, <c>end: -2 days</c>; the system clock when null), read once, in UTC.
    /// </summary>
    public static Recipe LoadRecipe(string path, TimeProvider? clock = null)
    {
        var bytes = ReadFile(path, "recipe file");
        return RecipeParser.Parse(path, bytes, clock);
    }

    /// <summary>Parses recipe text as if it were the file <paramref name="path"/> (for tests and editors; no file access).</summary>
    public static Recipe ParseRecipe(string path, string yaml, TimeProvider? clock = null) => RecipeParser.Parse(path, System.Text.Encoding.UTF8.GetBytes(yaml), clock);

    /// <summary>Parses recipe bytes as if they were the file <paramref name="path"/> (invalid UTF-8 included; for fuzzing and editors).</summary>
    public static Recipe ParseRecipeBytes(string path, byte[] bytes, TimeProvider? clock = null) => RecipeParser.Parse(path, bytes, clock);

    /// <summary>
    /// Loads a feedstock folder: meta.yaml (required) and every recipe it lists. Each listed path must exist and its
    /// recipe id must equal the id in meta.yaml. Errors of all files are reported together.
    /// </summary>
    public static Feedstock LoadFeedstock(string dir, TimeProvider? clock = null)
    {
        var metaPath = Path.Combine(dir, MetaFileName);
        if (!File.Exists(metaPath))
        {
            throw new RecipeException(metaPath, 1, 1, Directory.Exists(dir)
                ? $"the feedstock folder '{dir}' has no {MetaFileName}; it must list the folder's recipes"
                : $"no such feedstock folder '{dir}'");
        }

        var ctx = new YamlContext(metaPath);
        var (meta, nodes) = FeedstockMetaParser.Parse(ctx, ReadFile(metaPath, MetaFileName));
        var errors = new List<RecipeError>(ctx.Errors);
        var recipes = ImmutableArray.CreateBuilder<Recipe>();
        foreach (var reference in meta?.Recipes ?? [])
        {
            var (idNode, pathNode) = nodes[reference];
            var recipePath = Path.Combine(dir, reference.Path);
            if (!File.Exists(recipePath))
            {
                errors.Add(new RecipeError(metaPath, (int)pathNode.Start.Line, (int)pathNode.Start.Column, $"recipe file '{reference.Path}' does not exist (looked for {recipePath})"));
                continue;
            }

            try
            {
                var recipe = LoadRecipe(recipePath, clock);
                if (recipe.Id != reference.Id)
                {
                    errors.Add(new RecipeError(metaPath, (int)idNode.Start.Line, (int)idNode.Start.Column,
                        $"recipe id '{reference.Id}' does not match id '{recipe.Id}' in {reference.Path}"));
                    continue;
                }

                recipes.Add(recipe);
            }
            catch (RecipeException e)
            {
                errors.AddRange(e.Errors);
            }
        }

        if (errors.Count > 0 || meta is null) throw new RecipeException(errors);
        return new Feedstock(meta, recipes.ToImmutable());
    }

    /// <summary>
    /// The recipes to run for a command-line argument: a recipe file gives that recipe (meta.yaml optional then); a
    /// folder, or a path to a meta.yaml, gives every recipe the feedstock lists.
    /// </summary>
    public static ImmutableArray<Recipe> Load(string pathOrDir, string? feedstockSubdir = null, TimeProvider? clock = null) => Open(pathOrDir, feedstockSubdir, clock).Recipes;

    /// <summary>
    /// Like <see cref="Load"/>, and says whether the argument was a feedstock (its meta.yaml) or one recipe file.
    /// A folder without meta.yaml is read from its <paramref name="feedstockSubdir"/> (default <c>feedstock</c>, the
    /// pangeo-forge feedstock repository layout) when that subfolder has one.
    /// </summary>
    public static RecipeSource Open(string pathOrDir, string? feedstockSubdir = null, TimeProvider? clock = null)
    {
        if (Directory.Exists(pathOrDir))
        {
            var feedstock = LoadFeedstock(FeedstockFolder(pathOrDir, feedstockSubdir), clock);
            return new RecipeSource(feedstock.Recipes, feedstock.Meta);
        }

        if (feedstockSubdir is not null)
            throw new RecipeException(pathOrDir, 1, 1, $"--feedstock-subdir {feedstockSubdir} needs a feedstock folder, not the file '{pathOrDir}'");
        if (File.Exists(pathOrDir) && Path.GetFileName(pathOrDir) == MetaFileName)
        {
            var feedstock = LoadFeedstock(Path.GetDirectoryName(Path.GetFullPath(pathOrDir))!, clock);
            return new RecipeSource(feedstock.Recipes, feedstock.Meta);
        }

        return new RecipeSource([LoadRecipe(pathOrDir, clock)], null);
    }

    /// <summary>
    /// The folder whose meta.yaml describes the feedstock: <paramref name="dir"/>/<paramref name="subdir"/> when a
    /// subfolder is named; else <paramref name="dir"/> itself when it has meta.yaml; else <c>dir/feedstock</c> when that has one.
    /// </summary>
    public static string FeedstockFolder(string dir, string? subdir = null)
    {
        if (subdir is not null)
        {
            var named = Path.Combine(dir, subdir);
            if (!File.Exists(Path.Combine(named, MetaFileName)))
                throw new RecipeException(Path.Combine(named, MetaFileName), 1, 1, $"--feedstock-subdir {subdir}: '{named}' has no {MetaFileName}");
            return named;
        }

        if (File.Exists(Path.Combine(dir, MetaFileName))) return dir;
        var conventional = Path.Combine(dir, DefaultFeedstockSubdir);
        return File.Exists(Path.Combine(conventional, MetaFileName)) ? conventional : dir;
    }

    /// <summary>Where a feedstock repository keeps meta.yaml and its recipes (pangeo-forge's convention).</summary>
    public const string DefaultFeedstockSubdir = "feedstock";

    private static byte[] ReadFile(string path, string what)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > YamlLimits.MaxFileBytes)
                throw new RecipeException(path, 1, 1, $"the {what} is {length:N0} bytes; recipe files are limited to {YamlLimits.MaxFileBytes >> 20} MiB");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            throw new RecipeException(path, 1, 1, $"cannot read {what}: {reason}");
        }
    }
}
