using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;

namespace Forge.Core.Zarr;

/// <summary>What a <see cref="ZarrFillValue"/> holds.</summary>
public enum ZarrFillValueKind
{
    /// <summary>v2 <c>null</c>: no fill value; missing chunks read as zeros.</summary>
    Undefined,
    Integer,
    Unsigned,
    Float,
    Bool,
}

/// <summary>An array's <c>fill_value</c>: what missing chunks (and padding) read as.</summary>
public readonly record struct ZarrFillValue
{
    private ZarrFillValue(ZarrFillValueKind kind, long integer, ulong unsigned, double real, bool boolean)
    {
        Kind = kind;
        Integer = integer;
        Unsigned = unsigned;
        Float = real;
        Bool = boolean;
    }

    public ZarrFillValueKind Kind { get; }

    public long Integer { get; }

    public ulong Unsigned { get; }

    public double Float { get; }

    public bool Bool { get; }

    public static ZarrFillValue Undefined => default;

    public static ZarrFillValue FromInteger(long value) => new(ZarrFillValueKind.Integer, value, 0, 0, false);

    public static ZarrFillValue FromUnsigned(ulong value) => new(ZarrFillValueKind.Unsigned, 0, value, 0, false);

    public static ZarrFillValue FromFloat(double value) => new(ZarrFillValueKind.Float, 0, 0, value, false);

    public static ZarrFillValue FromBool(bool value) => new(ZarrFillValueKind.Bool, 0, 0, 0, value);

    /// <summary>The value as a double (0 when undefined).</summary>
    public double AsDouble() => Kind switch
    {
        ZarrFillValueKind.Integer => Integer,
        ZarrFillValueKind.Unsigned => Unsigned,
        ZarrFillValueKind.Float => Float,
        ZarrFillValueKind.Bool => Bool ? 1 : 0,
        _ => 0,
    };

    /// <summary>The default when none is given: NaN for floats (as xarray writes); v2 null otherwise, v3 zero/false.</summary>
    public static ZarrFillValue DefaultFor(DataType dataType, ZarrFormat format) => dataType switch
    {
        _ when dataType.IsFloatingPoint() => FromFloat(double.NaN),
        _ when format == ZarrFormat.V2 => Undefined,
        DataType.Bool => FromBool(false),
        DataType.UInt64 => FromUnsigned(0),
        _ => FromInteger(0),
    };

    /// <summary>The <c>fill_value</c> JSON for an array of <paramref name="dataType"/>.</summary>
    public JsonNode? ToJson(DataType dataType, ZarrFormat format)
    {
        if (Kind == ZarrFillValueKind.Undefined)
        {
            if (format == ZarrFormat.V2) return null;
            return DefaultFor(dataType, format).ToJson(dataType, format);
        }

        if (dataType.IsFloatingPoint())
        {
            var d = AsDouble();
            if (dataType == DataType.Float32) d = (float)d;
            return double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : JsonValue.Create(d);
        }

        if (dataType == DataType.Bool) return JsonValue.Create(AsDouble() != 0);
        if (dataType == DataType.UInt64) return JsonValue.Create(Kind == ZarrFillValueKind.Unsigned ? Unsigned : (ulong)Math.Max(0, Integer));
        if (dataType == DataType.Char && format == ZarrFormat.V2)
            return Convert.ToBase64String([(byte)(Kind == ZarrFillValueKind.Unsigned ? Unsigned : (ulong)Integer)]);
        return JsonValue.Create(Kind == ZarrFillValueKind.Unsigned ? (long)Unsigned : Kind == ZarrFillValueKind.Float ? (long)Float : Integer);
    }

    /// <summary>Parses a <c>fill_value</c>; errors name <paramref name="key"/>.</summary>
    public static ZarrFillValue Parse(JsonNode? node, DataType dataType, ZarrFormat format, string key)
    {
        if (node is null)
        {
            if (format == ZarrFormat.V2) return Undefined;
            throw new ZarrMetadataException(key, "'fill_value' is required in Zarr v3 and must not be null");
        }

        if (node is not JsonValue v) throw Bad(node, dataType, key);
        if (v.TryGetValue<string>(out var s))
        {
            if (dataType.IsFloatingPoint())
            {
                switch (s)
                {
                    case "NaN": return FromFloat(double.NaN);
                    case "Infinity": return FromFloat(double.PositiveInfinity);
                    case "-Infinity": return FromFloat(double.NegativeInfinity);
                }

                if (s.StartsWith("0x", StringComparison.Ordinal) && ulong.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var bits))
                {
                    return dataType == DataType.Float32
                        ? FromFloat(BitConverter.UInt32BitsToSingle((uint)bits))
                        : FromFloat(BitConverter.UInt64BitsToDouble(bits));
                }
            }

            if (dataType == DataType.Char && format == ZarrFormat.V2)
            {
                try
                {
                    var bytes = Convert.FromBase64String(s);
                    return FromInteger(bytes.Length > 0 ? bytes[0] : 0);
                }
                catch (FormatException)
                {
                    throw Bad(node, dataType, key);
                }
            }

            throw Bad(node, dataType, key);
        }

        if (v.TryGetValue<bool>(out var b))
        {
            if (dataType == DataType.Bool) return FromBool(b);
            throw Bad(node, dataType, key);
        }

        if (!v.TryGetValue<double>(out var d)) throw Bad(node, dataType, key);
        if (dataType.IsFloatingPoint()) return FromFloat(d);
        if (d != Math.Floor(d)) throw Bad(node, dataType, key);
        if (dataType == DataType.Bool) return FromBool(d != 0);
        if (v.TryGetValue<long>(out var l)) return dataType == DataType.UInt64 ? FromUnsigned((ulong)l) : FromInteger(l);
        if (v.TryGetValue<ulong>(out var u)) return FromUnsigned(u);
        throw Bad(node, dataType, key);
    }

    private static ZarrMetadataException Bad(JsonNode node, DataType dataType, string key) =>
        new(key, $"'fill_value' {node.ToJsonString()} is not a valid {dataType} value");

    /// <summary>Writes one element of <paramref name="dataType"/> holding this value, little-endian.</summary>
    public void WriteElement(DataType dataType, Span<byte> destination)
    {
        var size = dataType.ElementSize();
        destination[..size].Clear();
        if (Kind == ZarrFillValueKind.Undefined) return;
        var i = Kind switch
        {
            ZarrFillValueKind.Integer => Integer,
            ZarrFillValueKind.Unsigned => unchecked((long)Unsigned),
            ZarrFillValueKind.Bool => Bool ? 1 : 0,
            _ => double.IsFinite(Float) ? (long)Float : 0,
        };
        switch (dataType)
        {
            // NaN is written as numpy's positive quiet NaN (.NET's double.NaN has the sign bit set).
            case DataType.Float32 when double.IsNaN(AsDouble()): BinaryPrimitives.WriteUInt32LittleEndian(destination, 0x7FC00000u); break;
            case DataType.Float64 when double.IsNaN(AsDouble()): BinaryPrimitives.WriteUInt64LittleEndian(destination, 0x7FF8000000000000ul); break;
            case DataType.Float32: BinaryPrimitives.WriteSingleLittleEndian(destination, (float)AsDouble()); break;
            case DataType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(destination, AsDouble()); break;
            case DataType.Bool or DataType.Int8 or DataType.UInt8 or DataType.Char: destination[0] = unchecked((byte)i); break;
            case DataType.Int16 or DataType.UInt16: BinaryPrimitives.WriteInt16LittleEndian(destination, unchecked((short)i)); break;
            case DataType.Int32 or DataType.UInt32: BinaryPrimitives.WriteInt32LittleEndian(destination, unchecked((int)i)); break;
            case DataType.Int64 or DataType.UInt64: BinaryPrimitives.WriteInt64LittleEndian(destination, i); break;
            default: throw new NotSupportedException($"{dataType} has no fixed-size element");
        }
    }

    /// <summary>One element's bytes (little-endian).</summary>
    public byte[] ToElementBytes(DataType dataType)
    {
        var bytes = new byte[dataType.ElementSize()];
        WriteElement(dataType, bytes);
        return bytes;
    }

    public override string ToString() => Kind switch
    {
        ZarrFillValueKind.Undefined => "undefined",
        ZarrFillValueKind.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        ZarrFillValueKind.Unsigned => Unsigned.ToString(CultureInfo.InvariantCulture),
        ZarrFillValueKind.Bool => Bool ? "true" : "false",
        _ => Float.ToString("R", CultureInfo.InvariantCulture),
    };
}
