using System.Collections.Immutable;

namespace Forge.Core.Datasets.Transforms;

/// <summary>
/// A transform applied in order to each input dataset (the recipe's <c>transforms:</c> list). Transforms change the
/// schema; the data path follows through <see cref="VariableOrigin"/>.
/// </summary>
public abstract record DatasetTransform
{
    private protected DatasetTransform() { }

    /// <summary>Drop length-1 dimensions.</summary>
    public sealed record Squeeze(ImmutableArray<string> Dimensions) : DatasetTransform;

    /// <summary>Drop variables.</summary>
    public sealed record Drop(ImmutableArray<string> Variables) : DatasetTransform;

    /// <summary>Keep only these data variables (and the coordinates they use).</summary>
    public sealed record Select(ImmutableArray<string> Variables) : DatasetTransform;

    /// <summary>Rename variables and dimensions.</summary>
    public sealed record Rename(ImmutableDictionary<string, string> Names) : DatasetTransform;

    /// <summary>Treat these variables as coordinates.</summary>
    public sealed record SetCoords(ImmutableArray<string> Variables) : DatasetTransform;

    /// <summary>Set (or, with a null value, delete) attributes. Key "global" addresses the dataset.</summary>
    public sealed record SetAttributes(ImmutableDictionary<string, ImmutableArray<KeyValuePair<string, AttributeValue?>>> ByVariable) : DatasetTransform;

    /// <summary>Unpack scale_factor/add_offset to float32 and turn _FillValue/missing_value into NaN.</summary>
    public sealed record DecodeCf(ImmutableArray<string> Variables) : DatasetTransform;
}
