namespace Forge.Native.NetCdf;

/// <summary>netCDF external type ids (nc_type) of the atomic types; ids from 32 up are user-defined types.</summary>
internal enum NcType
{
    Byte = 1,
    Char = 2,
    Short = 3,
    Int = 4,
    Float = 5,
    Double = 6,
    UByte = 7,
    UShort = 8,
    UInt = 9,
    Int64 = 10,
    UInt64 = 11,
    String = 12,
}
