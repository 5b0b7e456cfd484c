using System.Collections.Immutable;

namespace Forge.Recipes;

/// <summary>
/// <c>chunks</c>: either <c>auto</c> (sized from <see cref="TargetSpec.ChunkSize"/>) or an explicit dim → length map;
/// dims left out of an explicit map get their full length.
/// </summary>
public sealed record ChunkingSpec
{
    public static readonly ChunkingSpec Auto = new((ImmutableDictionary<string, int>?)null);

    private ChunkingSpec(ImmutableDictionary<string, int>? sizes) => Explicit = sizes;

    public static ChunkingSpec FromSizes(ImmutableDictionary<string, int> sizes) => new(sizes);

    /// <summary>The explicit chunk lengths, or null for <c>auto</c>.</summary>
    public ImmutableDictionary<string, int>? Explicit { get; }

    public bool IsAuto => Explicit is null;

    public override string ToString() => IsAuto ? "auto" : "{" + string.Join(", ", Explicit!.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}")) + "}";
}
