using Forge.Core.Arrays;
using Forge.Core.Codecs;

namespace Forge.Core.Zarr;

/// <summary>Parses Zarr v2 NumPy typestrings and Zarr v3 <c>data_type</c> names.</summary>
public static class ZarrDataTypes
{
    /// <summary>Parses a v2 dtype such as "&lt;f4", "&gt;i2", "|u1"; the byte order becomes the stored <see cref="Endian"/>.</summary>
    public static (DataType Type, Endian Endian) ParseV2(string dtype, string key)
    {
        if (dtype.Length < 3 || dtype[0] is not ('<' or '>' or '|' or '='))
            throw new ZarrMetadataException(key, $"'dtype' \"{dtype}\" is not a supported NumPy typestr");
        var type = dtype[1..] switch
        {
            "b1" => DataType.Bool,
            "i1" => DataType.Int8,
            "u1" => DataType.UInt8,
            "i2" => DataType.Int16,
            "u2" => DataType.UInt16,
            "i4" => DataType.Int32,
            "u4" => DataType.UInt32,
            "i8" => DataType.Int64,
            "u8" => DataType.UInt64,
            "f4" => DataType.Float32,
            "f8" => DataType.Float64,
            "S1" => DataType.Char,
            _ => throw new ZarrMetadataException(key, $"'dtype' \"{dtype}\" is not supported (numeric, bool and |S1 are)"),
        };
        return (type, dtype[0] == '>' ? Endian.Big : Endian.Little);
    }

    /// <summary>The v2 dtype with the given byte order (1-byte types use '|').</summary>
    public static string ToV2(DataType type, Endian endian)
    {
        var s = type.ZarrV2Dtype();
        return endian == Endian.Big && s[0] == '<' ? ">" + s[1..] : s;
    }

    /// <summary>Parses a v3 <c>data_type</c> name.</summary>
    public static DataType ParseV3(string name, string key) => name switch
    {
        "bool" => DataType.Bool,
        "int8" => DataType.Int8,
        "uint8" => DataType.UInt8,
        "int16" => DataType.Int16,
        "uint16" => DataType.UInt16,
        "int32" => DataType.Int32,
        "uint32" => DataType.UInt32,
        "int64" => DataType.Int64,
        "uint64" => DataType.UInt64,
        "float32" => DataType.Float32,
        "float64" => DataType.Float64,
        _ => throw new ZarrMetadataException(key, $"'data_type' \"{name}\" is not supported"),
    };
}
