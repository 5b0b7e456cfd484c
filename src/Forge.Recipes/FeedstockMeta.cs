using System.Collections.Immutable;

namespace Forge.Recipes;

/// <summary>A <c>meta.yaml</c> entry of <c>recipes</c>: a recipe id and its file, relative to the feedstock folder.</summary>
public sealed record RecipeRef(string Id, string Path, SourceLocation Location);

/// <summary>A data provider in <c>provenance.providers</c>; roles are STAC roles (producer, licensor, processor, host).</summary>
public sealed record Provider(string Name, string? Description, ImmutableArray<string> Roles, string? Url);

/// <summary><c>provenance</c>: who provides the data, and its license (SPDX id or free text).</summary>
public sealed record Provenance(ImmutableArray<Provider> Providers, string? License);

/// <summary>A feedstock maintainer.</summary>
public sealed record Maintainer(string Name, string? GitHub, string? Orcid);

/// <summary>A feedstock's <c>meta.yaml</c>.</summary>
public sealed record FeedstockMeta(
    string Title,
    string? Description,
    ImmutableArray<RecipeRef> Recipes,
    Provenance? Provenance,
    ImmutableArray<Maintainer> Maintainers,
    string SourcePath);
