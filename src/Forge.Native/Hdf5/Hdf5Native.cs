using System.Runtime.InteropServices;

namespace Forge.Native.Hdf5;

/// <summary>
/// Raw P/Invoke declarations for Debian's HDF5 1.10 (libhdf5_serial.so.103, the instance netCDF-C uses): just
/// enough to find datasets and read raw chunks. hid_t is 64-bit; calls must hold <see cref="NetCdf.NetCdfLock"/>.
/// The H5T_NATIVE_* globals are deliberately not needed: raw chunks are typed from the file's own datatype.
/// </summary>
internal static unsafe partial class Hdf5Native
{
    public const string Library = "libhdf5_serial.so.103";

    public const long H5P_DEFAULT = 0;
    public const long H5E_DEFAULT = 0;
    public const uint H5F_ACC_RDONLY = 0;
    public const ulong HADDR_UNDEF = ulong.MaxValue;

    // H5D_layout_t
    public const int H5D_CHUNKED = 2;

    // H5T_order_t
    public const int H5T_ORDER_LE = 0;
    public const int H5T_ORDER_BE = 1;
    public const int H5T_ORDER_NONE = 4;

    // H5T_class_t
    public const int H5T_INTEGER = 0;
    public const int H5T_FLOAT = 1;
    public const int H5T_STRING = 3;

    // H5Z_filter_t
    public const int H5Z_FILTER_DEFLATE = 1;
    public const int H5Z_FILTER_SHUFFLE = 2;
    public const int H5Z_FILTER_FLETCHER32 = 3;

    [LibraryImport(Library)]
    public static partial int H5Eset_auto2(long estackId, nint func, nint clientData);

    [LibraryImport(Library)]
    public static partial int H5get_libversion(out uint major, out uint minor, out uint release);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial long H5Fopen(string name, uint flags, long faplId);

    [LibraryImport(Library)]
    public static partial int H5Fclose(long fileId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int H5Lexists(long locId, string name, long laplId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial long H5Dopen2(long locId, string name, long daplId);

    [LibraryImport(Library)]
    public static partial int H5Dclose(long datasetId);

    [LibraryImport(Library)]
    public static partial long H5Dget_space(long datasetId);

    [LibraryImport(Library)]
    public static partial long H5Dget_type(long datasetId);

    [LibraryImport(Library)]
    public static partial long H5Dget_create_plist(long datasetId);

    [LibraryImport(Library)]
    public static partial int H5Dget_num_chunks(long datasetId, long fileSpaceId, out ulong count);

    [LibraryImport(Library)]
    public static partial int H5Dget_chunk_info_by_coord(long datasetId, ulong* offset, out uint filterMask, out ulong address, out ulong size);

    [LibraryImport(Library)]
    public static partial int H5Dread_chunk(long datasetId, long dxplId, ulong* offset, out uint filterMask, void* buffer);

    [LibraryImport(Library)]
    public static partial int H5Sget_simple_extent_ndims(long spaceId);

    [LibraryImport(Library)]
    public static partial int H5Sget_simple_extent_dims(long spaceId, ulong* dims, ulong* maxDims);

    [LibraryImport(Library)]
    public static partial int H5Sclose(long spaceId);

    [LibraryImport(Library)]
    public static partial int H5Pget_layout(long plistId);

    [LibraryImport(Library)]
    public static partial int H5Pget_chunk(long plistId, int maxNdims, ulong* dims);

    [LibraryImport(Library)]
    public static partial int H5Pget_nfilters(long plistId);

    [LibraryImport(Library)]
    public static partial int H5Pget_filter2(long plistId, uint index, out uint flags, ref nuint cdNelmts, uint* cdValues, nuint nameLength, byte* name, out uint filterConfig);

    [LibraryImport(Library)]
    public static partial int H5Pclose(long plistId);

    [LibraryImport(Library)]
    public static partial int H5Tget_class(long typeId);

    [LibraryImport(Library)]
    public static partial int H5Tget_order(long typeId);

    [LibraryImport(Library)]
    public static partial nuint H5Tget_size(long typeId);

    [LibraryImport(Library)]
    public static partial int H5Tclose(long typeId);
}
