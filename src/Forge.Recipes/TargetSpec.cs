using System.Collections.Immutable;
using Forge.Core.Datasets;

namespace Forge.Recipes;

/// <summary>
/// <c>target</c>: where and how the Zarr store is written. <see cref="Shards"/> is null when not sharded (zarr 3 only);
/// <see cref="Attrs"/> are extra global attributes (a null value deletes the attribute).
/// </summary>
public sealed record TargetSpec(
    string Url,
    int ZarrFormat,
    ChunkingSpec Chunks,
    long ChunkSize,
    ImmutableDictionary<string, int>? Shards,
    CodecSpec Codec,
    ImmutableDictionary<string, VariableOverride> Variables,
    S3Options? S3,
    ImmutableDictionary<string, AttributeValue?> Attrs)
{
    public const int DefaultZarrFormat = 3;

    /// <summary>64 MiB: the decoded chunk size <c>chunks: auto</c> aims for.</summary>
    public const long DefaultChunkSize = 64L << 20;

    /// <summary>The default target URL for a recipe id: <c>./output/&lt;id&gt;.zarr</c>.</summary>
    public static string DefaultUrl(string id) => $"./output/{id}.zarr";

    public bool IsS3 => Url.StartsWith("s3://", StringComparison.Ordinal);
}
