using System.Collections.Immutable;

namespace Forge.Recipes;

/// <summary>A feedstock folder: its meta.yaml and the recipes it lists, in meta.yaml order.</summary>
public sealed record Feedstock(FeedstockMeta Meta, ImmutableArray<Recipe> Recipes);
