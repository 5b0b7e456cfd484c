using System.Collections.Immutable;

namespace Forge.Core.Datasets.Transforms;

/// <summary>
/// A transform does not fit an input (a missing name, a dimension that is not length 1). <see cref="Step"/> is the
/// 1-based index in the recipe's transforms, so a caller can point at the recipe line; a missing name comes with the
/// names the data has.
/// </summary>
public sealed class TransformException(string message, int step, string what) : DataException(message)
{
    public int Step { get; } = step;

    /// <summary>The problem without the input's name, e.g. "squeeze: no dimension 'zlevel'".</summary>
    public string What { get; } = what;

    public string? MissingName { get; init; }

    public ImmutableArray<string> Candidates { get; init; } = [];
}
