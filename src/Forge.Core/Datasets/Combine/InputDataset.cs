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
    ImmutableDictionary<string, string> StaticDigests);
