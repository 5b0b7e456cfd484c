using System.Collections.Immutable;

namespace Forge.Recipes;

/// <summary>
/// A parsed and validated recipe file. <see cref="Sha256"/> is the lowercase hex digest of the file's bytes
/// (provenance); <see cref="Locations"/> maps dotted key paths (<c>target.shards</c>, <c>transforms[1]</c>,
/// <c>target.variables.sst.codec</c>) to where they are written, so callers can point at a key they refuse.
/// </summary>
public sealed record Recipe(
    int FormatVersion,
    string Id,
    string? Title,
    string? Description,
    InputsSpec Inputs,
    ImmutableArray<TransformSpec> Transforms,
    TargetSpec Target,
    RunSpec Run,
    string SourcePath,
    string Sha256,
    ImmutableDictionary<string, SourceLocation> Locations)
{
    /// <summary>The recipe format version this Forge reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Whether the recipe file writes the key at this dotted path (e.g. <c>inputs.grib</c>).</summary>
    public bool Has(string keyPath) => Locations.ContainsKey(keyPath);

    /// <summary>Where the key at this dotted path is written; the file start when it is not written.</summary>
    public SourceLocation LocationOf(string keyPath) =>
        Locations.TryGetValue(keyPath, out var location) ? location : new SourceLocation(SourcePath, 1, 1);

    /// <summary>An exception pointing at a key, e.g. <c>recipe.ErrorAt("target.shards", "sharding is not supported yet")</c>.</summary>
    public RecipeException ErrorAt(string keyPath, string what) => new(LocationOf(keyPath), what);
}
