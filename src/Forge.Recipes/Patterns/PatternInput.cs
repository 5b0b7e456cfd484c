namespace Forge.Recipes.Patterns;

/// <summary>
/// One input of a file pattern: its position along the concat dim and its key, its merge position (-1 when the
/// recipe has no merge) and key, and the URL (without query secrets, which are added at fetch time).
/// </summary>
public sealed record PatternInput(int ConcatIndex, PatternKey ConcatKey, int MergeIndex, string? MergeKey, string Url);
