using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Native.NetCdf;

namespace Forge.Formats.NetCdf;

/// <summary>Maps netCDF types to Forge's <see cref="DataType"/>; caller holds <see cref="NetCdfLock"/>.</summary>
internal static unsafe class NetCdfTypes
{
    /// <summary>The DataType of a variable's nc_type: atomic types map one to one, enums read as their base integer type.</summary>
    public static DataType Resolve(int ncid, int xtype, string file, string? variable, string what)
    {
        if (xtype == (int)NcType.Char) return DataType.Char;
        if (xtype == (int)NcType.String) return DataType.String;
        return ResolveNumeric(ncid, xtype, file, variable, what);
    }

    public static DataType ResolveNumeric(int ncid, int xtype, string file, string? variable, string what)
    {
        switch ((NcType)xtype)
        {
            case NcType.Byte: return DataType.Int8;
            case NcType.UByte: return DataType.UInt8;
            case NcType.Short: return DataType.Int16;
            case NcType.UShort: return DataType.UInt16;
            case NcType.Int: return DataType.Int32;
            case NcType.UInt: return DataType.UInt32;
            case NcType.Int64: return DataType.Int64;
            case NcType.UInt64: return DataType.UInt64;
            case NcType.Float: return DataType.Float32;
            case NcType.Double: return DataType.Float64;
        }

        var where = variable is null ? file : $"{file}: variable '{variable}'";
        if (xtype < 32) throw new DataException($"{where}: {what} has unsupported netCDF type {xtype}");
        var name = stackalloc byte[NetCdfNative.NameBufferLength];
        NetCdfStatus.Check(NetCdfNative.nc_inq_user_type(ncid, xtype, name, out _, out var baseType, out _, out var typeClass), file, variable);
        if (typeClass == NetCdfNative.NC_ENUM) return ResolveNumeric(ncid, baseType, file, variable, what);
        var kind = typeClass switch
        {
            NetCdfNative.NC_VLEN => "vlen",
            NetCdfNative.NC_OPAQUE => "opaque",
            NetCdfNative.NC_COMPOUND => "compound",
            _ => $"class {typeClass}",
        };
        throw new DataException($"{where}: {what} has a user-defined {kind} type, which Forge does not support");
    }
}
