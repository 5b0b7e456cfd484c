using System.Collections.Immutable;
using Forge.Core.Datasets.Transforms;

namespace Forge.Core.Datasets.Combine;

/// <summary>
/// What the schema pass learned about one input: its position in the file pattern, its transformed schema, the
/// raw values of its concat coordinate (null when it has none) and digests of its variables without the concat dim
/// (to check they agree across inputs).
/// </summary>
public sealed record InputDataset(
    int ConcatIndex,
    int MergeIndex,
    string Source,
    TransformedDataset Dataset,
    double[]? ConcatCoordinate,
    ImmutableDictionary<string, string> StaticDigests)
{
    /// <summary>Variables up to this size keep their raw values next to the digest, to show where they differ.</summary>
    public const int KeptValueBytes = 64 * 1024;

    /// <summary>Raw source values (little-endian, source type) of the static variables up to <see cref="KeptValueBytes"/>.</summary>
    public ImmutableDictionary<string, byte[]> StaticValues { get; init; } = ImmutableDictionary<string, byte[]>.Empty;
}
