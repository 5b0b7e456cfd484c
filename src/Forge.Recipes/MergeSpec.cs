using System.Collections.Immutable;

namespace Forge.Recipes;

/// <summary><c>inputs.merge</c>: files that hold different variables for the same concat key; keys are inserted as text.</summary>
public sealed record MergeSpec(string Dim, ImmutableArray<string> Keys);
