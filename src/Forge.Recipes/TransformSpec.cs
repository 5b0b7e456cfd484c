using System.Collections.Immutable;
using Forge.Core.Datasets;

namespace Forge.Recipes;

/// <summary>
/// One entry of <c>transforms</c>, applied in order to each input dataset. Closed hierarchy; <see cref="Location"/>
/// points at the entry so a caller can name it in "not supported" or data errors.
/// </summary>
public abstract record TransformSpec
{
    private protected TransformSpec(SourceLocation location) => Location = location;

    /// <summary>The key as written in the recipe (<c>squeeze</c>, <c>rename</c>...).</summary>
    public abstract string Name { get; }

    public SourceLocation Location { get; }
}

/// <summary><c>squeeze: [dims]</c>: drop length-1 dimensions.</summary>
public sealed record SqueezeTransform(ImmutableArray<string> Dims, SourceLocation Location) : TransformSpec(Location)
{
    public override string Name => "squeeze";
}

/// <summary><c>drop: [variables]</c>: remove variables.</summary>
public sealed record DropTransform(ImmutableArray<string> Variables, SourceLocation Location) : TransformSpec(Location)
{
    public override string Name => "drop";
}

/// <summary><c>select: [variables]</c>: keep only these data variables (their coordinates stay).</summary>
public sealed record SelectTransform(ImmutableArray<string> Variables, SourceLocation Location) : TransformSpec(Location)
{
    public override string Name => "select";
}

/// <summary><c>rename: { old: new }</c>: rename variables and dimensions.</summary>
public sealed record RenameTransform(ImmutableDictionary<string, string> Names, SourceLocation Location) : TransformSpec(Location)
{
    public override string Name => "rename";
}

/// <summary><c>set_coords: [variables]</c>: treat these variables as coordinates.</summary>
public sealed record SetCoordsTransform(ImmutableArray<string> Variables, SourceLocation Location) : TransformSpec(Location)
{
    public override string Name => "set_coords";
}

/// <summary>
/// <c>attrs: { global: {...}, var: {...} }</c>: set or override attributes; a null value deletes the attribute.
/// </summary>
public sealed record AttrsTransform(
    ImmutableDictionary<string, AttributeValue?> Global,
    ImmutableDictionary<string, ImmutableDictionary<string, AttributeValue?>> Variables,
    SourceLocation Location) : TransformSpec(Location)
{
    public override string Name => "attrs";
}

/// <summary><c>decode_cf: [variables]</c>: unpack scale_factor/add_offset to float32 and _FillValue to NaN.</summary>
public sealed record DecodeCfTransform(ImmutableArray<string> Variables, SourceLocation Location) : TransformSpec(Location)
{
    public override string Name => "decode_cf";
}
