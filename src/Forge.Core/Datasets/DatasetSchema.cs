using System.Collections.Immutable;

namespace Forge.Core.Datasets;

/// <summary>The header of one dataset: dimensions, variables and global attributes (what `ncdump -h` shows).</summary>
public sealed record DatasetSchema(
    ImmutableArray<Dimension> Dimensions,
    ImmutableArray<VariableSchema> Variables,
    AttributeSet Attributes)
{
    public Dimension? FindDimension(string name) => Dimensions.FirstOrDefault(d => d.Name == name);

    public VariableSchema? FindVariable(string name) => Variables.FirstOrDefault(v => v.Name == name);

    public VariableSchema GetVariable(string name) =>
        FindVariable(name) ?? throw new KeyNotFoundException($"variable '{name}' not found");
}
