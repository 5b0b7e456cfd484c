using System.Collections.Immutable;

namespace Forge.Recipes;

/// <summary>What a command-line argument names: its recipes and, when it is a feedstock, the feedstock's meta.yaml.</summary>
public sealed record RecipeSource(ImmutableArray<Recipe> Recipes, FeedstockMeta? Feedstock)
{
    public bool IsFeedstock => Feedstock is not null;
}
