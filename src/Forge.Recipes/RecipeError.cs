namespace Forge.Recipes;

/// <summary>One problem found in a recipe or meta.yaml, at a 1-based line and column.</summary>
public sealed record RecipeError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
