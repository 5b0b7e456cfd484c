using System.Buffers.Binary;
using System.Text;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Native.Interop;
using Forge.Native.NetCdf;

namespace Forge.Formats.NetCdf;

/// <summary>Reads a variable's (or the global) attributes exactly as stored; caller holds <see cref="NetCdfLock"/>.</summary>
internal static unsafe class NetCdfAttributeReader
{
    public static AttributeSet Read(int ncid, int varid, int count, string file, string? variable)
    {
        if (count == 0) return AttributeSet.Empty;
        var items = new List<KeyValuePair<string, AttributeValue>>(count);
        var name = stackalloc byte[NetCdfNative.NameBufferLength];
        for (var i = 0; i < count; i++)
        {
            new Span<byte>(name, NetCdfNative.NameBufferLength).Clear();
            NetCdfStatus.Check(NetCdfNative.nc_inq_attname(ncid, varid, i, name), file, variable);
            var attName = NativeText.FromNulTerminated(new ReadOnlySpan<byte>(name, NetCdfNative.NameBufferLength));
            NetCdfStatus.Check(NetCdfNative.nc_inq_att(ncid, varid, name, out var xtype, out var len), file, variable);
            items.Add(new(attName, ReadValue(ncid, varid, name, xtype, checked((int)len), file, variable, attName)));
        }

        return new AttributeSet(items);
    }

    private static AttributeValue ReadValue(int ncid, int varid, byte* name, int xtype, int length, string file, string? variable, string attName)
    {
        if (xtype == (int)NcType.Char)
        {
            var bytes = new byte[length];
            fixed (byte* p = bytes)
                NetCdfStatus.Check(NetCdfNative.nc_get_att_text(ncid, varid, name, length == 0 ? null : p), file, variable);
            // As netCDF4-python (and so xarray) does: NUL padding is not part of the text.
            return AttributeValue.FromText(Encoding.UTF8.GetString(bytes).Replace("\0", string.Empty, StringComparison.Ordinal));
        }

        if (xtype == (int)NcType.String)
        {
            var pointers = new nint[Math.Max(length, 1)];
            fixed (nint* p = pointers)
            {
                NetCdfStatus.Check(NetCdfNative.nc_get_att_string(ncid, varid, name, (byte**)p), file, variable);
                try
                {
                    var parts = new string[length];
                    for (var i = 0; i < length; i++) parts[i] = NativeText.FromPointer((byte*)pointers[i]);
                    // A multi-valued string attribute becomes one newline-joined text (documented in docs/readers.md).
                    return AttributeValue.FromText(string.Join('\n', parts));
                }
                finally
                {
                    NetCdfNative.nc_free_string((nuint)length, (byte**)p);
                }
            }
        }

        var type = NetCdfTypes.ResolveNumeric(ncid, xtype, file, variable, $"attribute '{attName}'");
        var size = type.ElementSize();
        var buffer = new byte[Math.Max(length * size, 1)];
        fixed (byte* p = buffer)
            NetCdfStatus.Check(NetCdfNative.nc_get_att(ncid, varid, name, p), file, variable);
        return Convert(type, buffer.AsSpan(0, length * size), length);
    }

    /// <summary>Converts native-order attribute bytes into a typed <see cref="AttributeValue"/>.</summary>
    internal static AttributeValue Convert(DataType type, ReadOnlySpan<byte> raw, int length)
    {
        switch (type)
        {
            case DataType.Float32:
            case DataType.Float64:
            {
                var values = new double[length];
                for (var i = 0; i < length; i++)
                    values[i] = type == DataType.Float32 ? BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]) : BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]);
                return AttributeValue.FromReals(type, values);
            }
            case DataType.Int8:
            case DataType.Int16:
            case DataType.Int32:
            case DataType.Int64:
            {
                var values = new long[length];
                for (var i = 0; i < length; i++)
                {
                    values[i] = type switch
                    {
                        DataType.Int8 => (sbyte)raw[i],
                        DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw[(i * 2)..]),
                        DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]),
                        _ => BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]),
                    };
                }

                return AttributeValue.FromIntegers(type, values);
            }
            default:
            {
                var values = new ulong[length];
                for (var i = 0; i < length; i++)
                {
                    values[i] = type switch
                    {
                        DataType.UInt8 => raw[i],
                        DataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]),
                        DataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(raw[(i * 4)..]),
                        _ => BinaryPrimitives.ReadUInt64LittleEndian(raw[(i * 8)..]),
                    };
                }

                return AttributeValue.FromUnsigned(type, values);
            }
        }
    }
}
