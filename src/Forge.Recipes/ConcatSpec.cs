using System.Collections.Immutable;
using Forge.Core.Datasets.Combine;

namespace Forge.Recipes;

/// <summary>
/// <c>inputs.concat</c>: the dimension the inputs are stacked along, its keys in order (a range is already
/// expanded), the range as written when one was given, the optional <c>items_per_file</c> hint, and
/// <c>data_vars</c>: which data variables without the dimension get it (xarray's argument of that name).
/// </summary>
public sealed record ConcatSpec(string Dim, ImmutableArray<PatternKey> Keys, KeyRange? Range, int? ItemsPerFile)
{
    /// <summary>Recipe spelling → rule.</summary>
    public static readonly IReadOnlyDictionary<string, DataVariables> DataVariablesNames = new Dictionary<string, DataVariables>(StringComparer.Ordinal)
    {
        ["all"] = DataVariables.All,
        ["different"] = DataVariables.Different,
        ["minimal"] = DataVariables.Minimal,
    };

    public DataVariables DataVars { get; init; } = DataVariables.All;
}
