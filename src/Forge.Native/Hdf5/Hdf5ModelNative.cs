using System.Runtime.InteropServices;

namespace Forge.Native.Hdf5;

/// <summary>
/// HDF5 1.10 calls for walking a file's groups, datasets, attributes and dimension-scale references (the netCDF-4
/// data model over HDF5), and for reading through a registered virtual file driver. Calls must hold
/// <see cref="NetCdf.NetCdfLock"/>.
/// </summary>
internal static unsafe partial class Hdf5ModelNative
{
    private const string Library = Hdf5Native.Library;

    public const uint H5P_CRT_ORDER_TRACKED = 0x0001;
    public const int H5_INDEX_NAME = 0;
    public const int H5_INDEX_CRT_ORDER = 1;
    public const int H5_ITER_INC = 0;
    public const int H5I_GROUP = 2;
    public const int H5I_DATATYPE = 3;
    public const int H5I_DATASET = 5;
    public const int H5S_SCALAR = 0;
    public const int H5S_SIMPLE = 1;
    public const int H5S_NULL = 2;
    public const int H5S_SELECT_SET = 0;
    public const int H5T_SGN_NONE = 0;
    public const int H5T_DIR_DEFAULT = 0;
    public const int H5R_OBJECT = 0;
    public const ulong H5S_UNLIMITED = ulong.MaxValue;
    public const int H5T_VLEN = 9;
    public const int H5T_REFERENCE = 7;

    /// <summary>H5G_info_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct GroupInfo
    {
        public int StorageType;
        public ulong LinkCount;
        public long MaxCreationOrder;
        public byte Mounted;
    }

    /// <summary>hvl_t: one variable-length element in memory.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct VariableLength
    {
        public nuint Length;
        public void* Pointer;
    }

    [LibraryImport(Library)]
    public static partial int H5open();

    [LibraryImport(Library)]
    public static partial long H5Pcreate(long classId);

    [LibraryImport(Library)]
    public static partial int H5Pset_driver(long plistId, long driverId, void* driverInfo);

    [LibraryImport(Library)]
    public static partial long H5FDregister(void* cls);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial long H5Gopen2(long locId, string name, long gaplId);

    [LibraryImport(Library)]
    public static partial int H5Gclose(long groupId);

    [LibraryImport(Library)]
    public static partial long H5Gget_create_plist(long groupId);

    [LibraryImport(Library)]
    public static partial int H5Gget_info(long groupId, out GroupInfo info);

    [LibraryImport(Library)]
    public static partial int H5Pget_link_creation_order(long plistId, out uint flags);

    [LibraryImport(Library)]
    public static partial int H5Pget_attr_creation_order(long plistId, out uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint H5Lget_name_by_idx(long locId, string groupName, int indexType, int order, ulong n, byte* name, nuint size, long laplId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial long H5Oopen(long locId, string name, long laplId);

    [LibraryImport(Library)]
    public static partial int H5Oclose(long objectId);

    [LibraryImport(Library)]
    public static partial int H5Iget_type(long id);

    [LibraryImport(Library)]
    public static partial nint H5Iget_name(long id, byte* name, nuint size);

    [LibraryImport(Library)]
    public static partial int H5Aget_num_attrs(long locId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint H5Aget_name_by_idx(long locId, string objName, int indexType, int order, ulong n, byte* name, nuint size, long laplId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial long H5Aopen_by_idx(long locId, string objName, int indexType, int order, ulong n, long aaplId, long laplId);

    [LibraryImport(Library)]
    public static partial long H5Aget_type(long attrId);

    [LibraryImport(Library)]
    public static partial long H5Aget_space(long attrId);

    [LibraryImport(Library)]
    public static partial int H5Aread(long attrId, long memTypeId, void* buffer);

    [LibraryImport(Library)]
    public static partial int H5Aclose(long attrId);

    [LibraryImport(Library)]
    public static partial int H5Sget_simple_extent_type(long spaceId);

    [LibraryImport(Library)]
    public static partial long H5Sget_simple_extent_npoints(long spaceId);

    [LibraryImport(Library)]
    public static partial long H5Screate_simple(int rank, ulong* dims, ulong* maxDims);

    [LibraryImport(Library)]
    public static partial long H5Screate(int type);

    [LibraryImport(Library)]
    public static partial int H5Sselect_hyperslab(long spaceId, int op, ulong* start, ulong* stride, ulong* count, ulong* block);

    [LibraryImport(Library)]
    public static partial int H5Dread(long datasetId, long memTypeId, long memSpaceId, long fileSpaceId, long dxplId, void* buffer);

    [LibraryImport(Library)]
    public static partial int H5Dvlen_reclaim(long typeId, long spaceId, long plistId, void* buffer);

    [LibraryImport(Library)]
    public static partial int H5Tget_sign(long typeId);

    [LibraryImport(Library)]
    public static partial int H5Tis_variable_str(long typeId);

    [LibraryImport(Library)]
    public static partial int H5Tcommitted(long typeId);

    [LibraryImport(Library)]
    public static partial long H5Tget_native_type(long typeId, int direction);

    [LibraryImport(Library)]
    public static partial long H5Tget_super(long typeId);

    [LibraryImport(Library)]
    public static partial long H5Tcopy(long typeId);

    [LibraryImport(Library)]
    public static partial long H5Rdereference2(long objId, long oaplId, int refType, void* reference);
}
