using System.Collections.Immutable;

namespace Forge.Core.Datasets.Transforms;

/// <summary>A dataset schema after transforms, with the origin of each variable's data in the source file.</summary>
public sealed record TransformedDataset(DatasetSchema Schema, ImmutableDictionary<string, VariableOrigin> Origins)
{
    public static TransformedDataset FromSource(DatasetSchema schema) =>
        new(schema, schema.Variables.ToImmutableDictionary(v => v.Name, VariableOrigin.Identity));
}
