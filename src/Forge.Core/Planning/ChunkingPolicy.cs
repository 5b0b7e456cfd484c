using System.Collections.Immutable;

namespace Forge.Core.Planning;

/// <summary>
/// How the target is chunked: explicit sizes per dimension (dims left out get their full length) or automatic
/// (<see cref="Explicit"/> null: aim at <see cref="AutoChunkBytes"/> decoded bytes per chunk). Shards (Zarr v3)
/// are multiples of the chunk size per dimension.
/// </summary>
public sealed record ChunkingPolicy(
    ImmutableDictionary<string, long>? Explicit,
    long AutoChunkBytes,
    ImmutableDictionary<string, long>? Shards)
{
    public static readonly ChunkingPolicy Auto = new(null, 64L << 20, null);
}
