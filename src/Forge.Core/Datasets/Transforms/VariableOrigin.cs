using System.Collections.Immutable;

namespace Forge.Core.Datasets.Transforms;

/// <summary>CF unpacking applied while reading: target = raw * ScaleFactor + AddOffset, raw in FillValues → NaN.</summary>
public sealed record CfUnpacking(double ScaleFactor, double AddOffset, ImmutableArray<double> FillValues);

/// <summary>
/// Where a (transformed) variable's data comes from in its input file: the source variable name, the source
/// dimensions, which source axes were squeezed away (always read at index 0), and any CF unpacking.
/// </summary>
public sealed record VariableOrigin(string SourceVariable, ImmutableArray<string> SourceDimensions, ImmutableArray<int> SqueezedAxes, Arrays.DataType SourceDataType)
{
    public CfUnpacking? Unpacking { get; init; }

    /// <summary>Target axes that do not exist in the source (a length-1 concat dimension added to the variable).</summary>
    public ImmutableArray<int> ExpandedAxes { get; init; } = [];

    public static VariableOrigin Identity(VariableSchema v) => new(v.Name, v.Dimensions, [], v.DataType);
}
