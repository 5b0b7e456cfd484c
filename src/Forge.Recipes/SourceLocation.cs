namespace Forge.Recipes;

/// <summary>Where a key or value sits in a recipe file (1-based line and column).</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
