using System.Collections.Immutable;

namespace Forge.Core.Datasets;

/// <summary>How a variable is laid out in its source file (NetCDF-4/HDF5 chunking and filters), for inspect and planning.</summary>
/// <param name="Chunks">Chunk shape, or default when the variable is contiguous.</param>
/// <param name="Filters">Filter names in pipeline order, e.g. "shuffle", "deflate(1)", "fletcher32".</param>
public sealed record StorageLayout(ImmutableArray<long> Chunks, ImmutableArray<string> Filters)
{
    public static readonly StorageLayout Contiguous = new(default, []);

    public bool IsChunked => !Chunks.IsDefaultOrEmpty;
}
