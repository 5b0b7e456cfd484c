using System.Runtime.InteropServices;

namespace Forge.Native.NetCdf;

/// <summary>
/// Raw P/Invoke declarations for Debian's netCDF-C 4.9 (libnetcdf.so.19). Every call must be made while holding
/// <see cref="NetCdfLock"/> and every status must go through <see cref="NetCdfStatus.Check"/>.
/// </summary>
internal static unsafe partial class NetCdfNative
{
    public const string Library = "libnetcdf.so.19";

    /// <summary>NC_MAX_NAME + 1: size of a name buffer.</summary>
    public const int NameBufferLength = 257;

    public const int NC_NOWRITE = 0;
    public const int NC_GLOBAL = -1;
    public const int NC_NOERR = 0;

    // nc_inq_var_chunking storage kinds.
    public const int NC_CHUNKED = 0;
    public const int NC_CONTIGUOUS = 1;
    public const int NC_COMPACT = 2;

    // nc_inq_user_type classes.
    public const int NC_VLEN = 13;
    public const int NC_OPAQUE = 14;
    public const int NC_ENUM = 15;
    public const int NC_COMPOUND = 16;

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int nc_open(string path, int mode, out int ncid);

    [LibraryImport(Library)]
    public static partial int nc_close(int ncid);

    [LibraryImport(Library)]
    public static partial byte* nc_strerror(int status);

    [LibraryImport(Library)]
    public static partial byte* nc_inq_libvers();

    [LibraryImport(Library)]
    public static partial int nc_inq_format(int ncid, out int format);

    [LibraryImport(Library)]
    public static partial int nc_inq_format_extended(int ncid, out int formatx, out int mode);

    [LibraryImport(Library)]
    public static partial int nc_inq(int ncid, out int ndims, out int nvars, out int natts, out int unlimdimid);

    [LibraryImport(Library)]
    public static partial int nc_inq_dimids(int ncid, out int ndims, int* dimids, int includeParents);

    [LibraryImport(Library)]
    public static partial int nc_inq_unlimdims(int ncid, out int nunlimdims, int* unlimdimids);

    [LibraryImport(Library)]
    public static partial int nc_inq_dim(int ncid, int dimid, byte* name, out nuint length);

    [LibraryImport(Library)]
    public static partial int nc_inq_varids(int ncid, out int nvars, int* varids);

    [LibraryImport(Library)]
    public static partial int nc_inq_var(int ncid, int varid, byte* name, out int xtype, out int ndims, int* dimids, out int natts);

    [LibraryImport(Library)]
    public static partial int nc_inq_attname(int ncid, int varid, int attnum, byte* name);

    [LibraryImport(Library)]
    public static partial int nc_inq_att(int ncid, int varid, byte* name, out int xtype, out nuint length);

    [LibraryImport(Library)]
    public static partial int nc_get_att(int ncid, int varid, byte* name, void* value);

    [LibraryImport(Library)]
    public static partial int nc_get_att_text(int ncid, int varid, byte* name, byte* value);

    [LibraryImport(Library)]
    public static partial int nc_get_att_string(int ncid, int varid, byte* name, byte** value);

    [LibraryImport(Library)]
    public static partial int nc_free_string(nuint length, byte** data);

    [LibraryImport(Library)]
    public static partial int nc_inq_var_chunking(int ncid, int varid, out int storage, nuint* chunkSizes);

    [LibraryImport(Library)]
    public static partial int nc_inq_var_deflate(int ncid, int varid, out int shuffle, out int deflate, out int level);

    [LibraryImport(Library)]
    public static partial int nc_inq_var_fletcher32(int ncid, int varid, out int fletcher32);

    [LibraryImport(Library)]
    public static partial int nc_inq_var_filter_ids(int ncid, int varid, out nuint nfilters, uint* ids);

    [LibraryImport(Library)]
    public static partial int nc_inq_var_filter_info(int ncid, int varid, uint id, out nuint nparams, uint* parameters);

    [LibraryImport(Library)]
    public static partial int nc_inq_var_endian(int ncid, int varid, out int endian);

    [LibraryImport(Library)]
    public static partial int nc_inq_grps(int ncid, out int numgrps, int* ncids);

    [LibraryImport(Library)]
    public static partial int nc_inq_grpname_full(int ncid, out nuint length, byte* fullName);

    [LibraryImport(Library)]
    public static partial int nc_inq_user_type(int ncid, int xtype, byte* name, out nuint size, out int baseType, out nuint nfields, out int typeClass);

    /// <summary>Reads a hyperslab in the variable's own type (no conversion), native byte order.</summary>
    [LibraryImport(Library)]
    public static partial int nc_get_vara(int ncid, int varid, nuint* start, nuint* count, void* data);
}
