using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Native.Hdf5;
using Forge.Native.NetCdf;

namespace Forge.Formats.Hdf5;

/// <summary>
/// A chunked HDF5 dataset whose filters Forge can undo itself (deflate, shuffle, fletcher32): its chunk grid,
/// element layout and an open dataset id for the chunk query API. Created and queried under <see cref="NetCdfLock"/>.
/// </summary>
internal sealed class Hdf5ChunkedDataset : IDisposable
{
    private const string NonCoordinatePrefix = "_nc4_non_coord_";

    private readonly Hdf5Handle _dataset;

    private Hdf5ChunkedDataset(Hdf5Handle dataset, ImmutableArray<long> extent, ImmutableArray<long> chunkShape,
        ImmutableArray<Hdf5Filter> filters, int elementSize, bool bigEndian)
    {
        _dataset = dataset;
        Extent = extent;
        ChunkShape = chunkShape;
        Filters = filters;
        ElementSize = elementSize;
        BigEndian = bigEndian;
    }

    /// <summary>Current dataset dimensions (may be shorter than a netCDF unlimited dimension).</summary>
    public ImmutableArray<long> Extent { get; }

    public ImmutableArray<long> ChunkShape { get; }

    /// <summary>Pipeline in write order; decoding walks it backwards.</summary>
    public ImmutableArray<Hdf5Filter> Filters { get; }

    public int ElementSize { get; }

    public bool BigEndian { get; }

    public long ChunkBytes => ChunkShape.Aggregate((long)ElementSize, (a, b) => a * b);

    /// <summary>
    /// Opens the dataset behind <paramref name="variable"/> when the direct path can decode it; null otherwise
    /// (contiguous/compact storage, an unknown filter, a type that is not plain numeric/char). Caller holds the lock.
    /// </summary>
    public static Hdf5ChunkedDataset? TryOpen(Hdf5Handle file, VariableSchema variable, string path)
    {
        if (variable.Rank == 0 || variable.DataType == DataType.String) return null;
        var name = Hdf5Native.H5Lexists(file.Id, NonCoordinatePrefix + variable.Name, Hdf5Native.H5P_DEFAULT) > 0
            ? NonCoordinatePrefix + variable.Name
            : variable.Name;
        if (Hdf5Native.H5Lexists(file.Id, name, Hdf5Native.H5P_DEFAULT) <= 0) return null;

        var dataset = new Hdf5Handle(Hdf5Status.CheckId(Hdf5Native.H5Dopen2(file.Id, name, Hdf5Native.H5P_DEFAULT), "H5Dopen2", path, variable.Name), Hdf5ObjectKind.Dataset);
        try
        {
            var described = Describe(dataset, variable, path);
            if (described is null) dataset.Dispose();
            return described;
        }
        catch
        {
            dataset.Dispose();
            throw;
        }
    }

    private static unsafe Hdf5ChunkedDataset? Describe(Hdf5Handle dataset, VariableSchema variable, string path)
    {
        var rank = variable.Rank;
        var elementSize = variable.DataType.ElementSize();

        using var type = new Hdf5Handle(Hdf5Status.CheckId(Hdf5Native.H5Dget_type(dataset.Id), "H5Dget_type", path, variable.Name), Hdf5ObjectKind.Datatype);
        var typeClass = Hdf5Native.H5Tget_class(type.Id);
        var expectedClass = variable.DataType switch
        {
            DataType.Char => Hdf5Native.H5T_STRING,
            DataType.Float32 or DataType.Float64 => Hdf5Native.H5T_FLOAT,
            _ => Hdf5Native.H5T_INTEGER,
        };
        if (typeClass != expectedClass || (int)Hdf5Native.H5Tget_size(type.Id) != elementSize) return null;
        var order = Hdf5Native.H5Tget_order(type.Id);
        if (elementSize > 1 && order is not (Hdf5Native.H5T_ORDER_LE or Hdf5Native.H5T_ORDER_BE)) return null;

        using var space = new Hdf5Handle(Hdf5Status.CheckId(Hdf5Native.H5Dget_space(dataset.Id), "H5Dget_space", path, variable.Name), Hdf5ObjectKind.Dataspace);
        if (Hdf5Native.H5Sget_simple_extent_ndims(space.Id) != rank) return null;
        var dims = stackalloc ulong[rank];
        Hdf5Status.Check(Hdf5Native.H5Sget_simple_extent_dims(space.Id, dims, null), "H5Sget_simple_extent_dims", path, variable.Name);

        using var plist = new Hdf5Handle(Hdf5Status.CheckId(Hdf5Native.H5Dget_create_plist(dataset.Id), "H5Dget_create_plist", path, variable.Name), Hdf5ObjectKind.PropertyList);
        if (Hdf5Native.H5Pget_layout(plist.Id) != Hdf5Native.H5D_CHUNKED) return null;
        var chunk = stackalloc ulong[rank];
        if (Hdf5Native.H5Pget_chunk(plist.Id, rank, chunk) != rank) return null;

        var nfilters = Hdf5Status.Check(Hdf5Native.H5Pget_nfilters(plist.Id), "H5Pget_nfilters", path, variable.Name);
        var filters = ImmutableArray.CreateBuilder<Hdf5Filter>(nfilters);
        var values = stackalloc uint[16];
        for (var i = 0; i < nfilters; i++)
        {
            nuint n = 16;
            var id = Hdf5Native.H5Pget_filter2(plist.Id, (uint)i, out _, ref n, values, 0, null, out _);
            if (id is not (Hdf5Native.H5Z_FILTER_DEFLATE or Hdf5Native.H5Z_FILTER_SHUFFLE or Hdf5Native.H5Z_FILTER_FLETCHER32)) return null;
            filters.Add(new Hdf5Filter(id, new ReadOnlySpan<uint>(values, (int)Math.Min(n, 16)).ToArray()));
        }

        var extent = ImmutableArray.CreateBuilder<long>(rank);
        var chunkShape = ImmutableArray.CreateBuilder<long>(rank);
        for (var d = 0; d < rank; d++)
        {
            extent.Add((long)dims[d]);
            chunkShape.Add((long)chunk[d]);
        }

        return new Hdf5ChunkedDataset(dataset, extent.MoveToImmutable(), chunkShape.MoveToImmutable(), filters.MoveToImmutable(),
            elementSize, elementSize > 1 && order == Hdf5Native.H5T_ORDER_BE);
    }

    /// <summary>Where the chunk starting at <paramref name="origin"/> is stored; size 0 when never written. Caller holds the lock.</summary>
    public unsafe (uint FilterMask, ulong Size) QueryChunk(ReadOnlySpan<long> origin, string path, string variable)
    {
        var offset = stackalloc ulong[origin.Length];
        for (var d = 0; d < origin.Length; d++) offset[d] = (ulong)origin[d];
        Hdf5Status.Check(Hdf5Native.H5Dget_chunk_info_by_coord(_dataset.Id, offset, out var mask, out var address, out var size),
            "H5Dget_chunk_info_by_coord", path, variable);
        return address == Hdf5Native.HADDR_UNDEF ? (mask, 0) : (mask, size);
    }

    /// <summary>Reads a chunk's stored (still filtered) bytes. Caller holds the lock.</summary>
    public unsafe uint ReadChunk(ReadOnlySpan<long> origin, Span<byte> buffer, string path, string variable)
    {
        var offset = stackalloc ulong[origin.Length];
        for (var d = 0; d < origin.Length; d++) offset[d] = (ulong)origin[d];
        uint mask;
        fixed (byte* p = buffer)
            Hdf5Status.Check(Hdf5Native.H5Dread_chunk(_dataset.Id, Hdf5Native.H5P_DEFAULT, offset, out mask, p), "H5Dread_chunk", path, variable);
        return mask;
    }

    public void Dispose() => _dataset.Dispose();
}
