using System.Collections.Immutable;

namespace Forge.Recipes;

/// <summary>
/// <c>inputs.concat</c>: the dimension the inputs are stacked along, its keys in order (a range is already
/// expanded), the range as written when one was given, and the optional <c>items_per_file</c> hint.
/// </summary>
public sealed record ConcatSpec(string Dim, ImmutableArray<PatternKey> Keys, KeyRange? Range, int? ItemsPerFile);
