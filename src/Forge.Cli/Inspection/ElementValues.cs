using System.Buffers.Binary;
using Forge.Core.Arrays;

namespace Forge.Cli.Inspection;

/// <summary>One little-endian element as a double (what inspect shows for coordinate ranges and plots).</summary>
internal static class ElementValues
{
    public static double ToDouble(DataType type, ReadOnlySpan<byte> data, long index)
    {
        var size = type.ElementSize();
        var e = data.Slice(checked((int)(index * size)), size);
        return type switch
        {
            DataType.Bool or DataType.UInt8 or DataType.Char => e[0],
            DataType.Int8 => (sbyte)e[0],
            DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(e),
            DataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(e),
            DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(e),
            DataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(e),
            DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(e),
            DataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(e),
            DataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(e),
            DataType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(e),
            _ => double.NaN,
        };
    }
}
