namespace Forge.Core.Datasets;

/// <summary>
/// An open input dataset. <see cref="Schema"/> is the cheap header inspect; <see cref="ReadAsync"/> decodes a
/// hyperslab of one variable into the caller's buffer as little-endian elements in C order.
/// Implementations are not required to be thread-safe for concurrent reads of one instance.
/// </summary>
public interface IDatasetReader : IAsyncDisposable
{
    /// <summary>Where the dataset came from (local path or URL), for error messages.</summary>
    string Source { get; }

    DatasetSchema Schema { get; }

    /// <param name="variable">Variable name as in <see cref="Schema"/>.</param>
    /// <param name="start">Start index per dimension.</param>
    /// <param name="count">Element count per dimension.</param>
    /// <param name="destination">Exactly product(count) × element size bytes.</param>
    ValueTask ReadAsync(string variable, ReadOnlyMemory<long> start, ReadOnlyMemory<long> count, Memory<byte> destination, CancellationToken ct = default);
}

/// <summary>Opens datasets from local files (the source layer has already fetched remote inputs).</summary>
public interface IDatasetOpener
{
    /// <param name="path">A local file path.</param>
    /// <param name="format">"auto", "netcdf3", "netcdf4", "hdf5" or "grib".</param>
    /// <param name="options">Format-specific options (e.g. GRIB filter), may be null.</param>
    ValueTask<IDatasetReader> OpenAsync(string path, string format, IReadOnlyDictionary<string, object?>? options = null, CancellationToken ct = default);

    /// <summary>
    /// Opens a remote input's header by range reads (<see cref="Sources.IRandomAccessInput"/>): the schema, and reads
    /// of variables by range (coordinates and other small variables). Null when this format's header cannot be read
    /// that way; then the caller downloads the input and uses <see cref="OpenAsync"/>.
    /// </summary>
    ValueTask<IDatasetReader?> OpenHeaderAsync(Sources.IRandomAccessInput input, string format, IReadOnlyDictionary<string, object?>? options = null, CancellationToken ct = default) =>
        ValueTask.FromResult<IDatasetReader?>(null);
}
