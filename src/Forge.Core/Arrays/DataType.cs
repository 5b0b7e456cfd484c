namespace Forge.Core.Arrays;

/// <summary>Element types Forge reads and writes, named as the Zarr v3 spec names them.</summary>
public enum DataType
{
    Bool,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Float32,
    Float64,
    /// <summary>netCDF <c>char</c>: one byte per element (numpy <c>|S1</c>).</summary>
    Char,
    /// <summary>Variable-length string (netCDF-4 <c>string</c>); not storable as a Zarr numeric array.</summary>
    String,
}

public static class DataTypeExtensions
{
    /// <summary>Bytes per element; 0 for <see cref="DataType.String"/>.</summary>
    public static int ElementSize(this DataType type) => type switch
    {
        DataType.Bool or DataType.Int8 or DataType.UInt8 or DataType.Char => 1,
        DataType.Int16 or DataType.UInt16 => 2,
        DataType.Int32 or DataType.UInt32 or DataType.Float32 => 4,
        DataType.Int64 or DataType.UInt64 or DataType.Float64 => 8,
        DataType.String => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool IsFloatingPoint(this DataType type) => type is DataType.Float32 or DataType.Float64;

    public static bool IsInteger(this DataType type) => type is DataType.Int8 or DataType.UInt8 or DataType.Int16
        or DataType.UInt16 or DataType.Int32 or DataType.UInt32 or DataType.Int64 or DataType.UInt64;

    /// <summary>Zarr v3 <c>data_type</c> name.</summary>
    public static string ZarrV3Name(this DataType type) => type switch
    {
        DataType.Bool => "bool",
        DataType.Int8 => "int8",
        DataType.UInt8 => "uint8",
        DataType.Int16 => "int16",
        DataType.UInt16 => "uint16",
        DataType.Int32 => "int32",
        DataType.UInt32 => "uint32",
        DataType.Int64 => "int64",
        DataType.UInt64 => "uint64",
        DataType.Float32 => "float32",
        DataType.Float64 => "float64",
        DataType.Char => "uint8",
        _ => throw new NotSupportedException($"data type {type} has no Zarr v3 equivalent"),
    };

    /// <summary>Zarr v2 <c>dtype</c> (NumPy typestr, little-endian).</summary>
    public static string ZarrV2Dtype(this DataType type) => type switch
    {
        DataType.Bool => "|b1",
        DataType.Int8 => "|i1",
        DataType.UInt8 => "|u1",
        DataType.Int16 => "<i2",
        DataType.UInt16 => "<u2",
        DataType.Int32 => "<i4",
        DataType.UInt32 => "<u4",
        DataType.Int64 => "<i8",
        DataType.UInt64 => "<u8",
        DataType.Float32 => "<f4",
        DataType.Float64 => "<f8",
        DataType.Char => "|S1",
        _ => throw new NotSupportedException($"data type {type} has no Zarr v2 equivalent"),
    };
}
