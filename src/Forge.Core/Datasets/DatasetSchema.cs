using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Forge.Core.Datasets;

/// <summary>The header of one dataset: dimensions, variables and global attributes (what `ncdump -h` shows).</summary>
public sealed record DatasetSchema(
    ImmutableArray<Dimension> Dimensions,
    ImmutableArray<VariableSchema> Variables,
    AttributeSet Attributes)
{
    private static readonly ConditionalWeakTable<DatasetSchema, NameIndex<Dimension>> DimensionIndex = new();
    private static readonly ConditionalWeakTable<DatasetSchema, NameIndex<VariableSchema>> VariableIndex = new();

    public Dimension? FindDimension(string name) => NameIndex<Dimension>.Find(DimensionIndex, this, Dimensions, d => d.Name, name);

    public VariableSchema? FindVariable(string name) => NameIndex<VariableSchema>.Find(VariableIndex, this, Variables, v => v.Name, name);

    public VariableSchema GetVariable(string name) =>
        FindVariable(name) ?? throw new KeyNotFoundException($"variable '{name}' not found");
}
