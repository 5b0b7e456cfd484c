using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Cf;

namespace Forge.Core.Datasets.Combine;

/// <summary>One variable of the combined target dataset.</summary>
/// <param name="MergeIndex">The merge group whose files hold this variable's data.</param>
/// <param name="TimeUnits">For variables whose values are times re-encoded to the store's units, the target units.</param>
public sealed record TargetVariable(
    string Name,
    DataType DataType,
    ImmutableArray<string> Dimensions,
    ImmutableArray<long> Shape,
    AttributeSet Attributes,
    bool IsCoordinate,
    bool HasConcatDim,
    int MergeIndex)
{
    public CfTimeUnits? TimeUnits { get; init; }

    public int ConcatAxis(string concatDim) => Dimensions.IndexOf(concatDim);

    public bool IsDimensionCoordinate => Dimensions.Length == 1 && Dimensions[0] == Name;
}

/// <summary>Where the files of one concat key land along the concat dimension.</summary>
public sealed record ConcatSegment(int ConcatIndex, long Start, long Length);

/// <summary>
/// The combined dataset the store will hold: dimensions, variables, attributes, the concat layout and the
/// concat coordinate values (already re-encoded to the store's time units when needed).
/// </summary>
public sealed record TargetDataset(
    string ConcatDim,
    ImmutableArray<Dimension> Dimensions,
    ImmutableArray<TargetVariable> Variables,
    AttributeSet Attributes,
    ImmutableArray<ConcatSegment> Segments,
    ImmutableArray<ImmutableArray<InputDataset>> InputsByConcatThenMerge)
{
    /// <summary>Values of the concat coordinate in the target encoding, or default when there is none.</summary>
    public ImmutableArray<double> ConcatCoordinate { get; init; }

    public long ConcatLength => Segments.Sum(s => s.Length);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TargetDataset, NameIndex<TargetVariable>> VariableIndex = new();

    public TargetVariable GetVariable(string name) =>
        NameIndex<TargetVariable>.Find(VariableIndex, this, Variables, v => v.Name, name) ?? throw new InvalidOperationException($"the target dataset has no variable '{name}'");

    public InputDataset Input(int concatIndex, int mergeIndex) => InputsByConcatThenMerge[concatIndex][mergeIndex];
}
