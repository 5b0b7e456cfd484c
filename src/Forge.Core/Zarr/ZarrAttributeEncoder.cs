using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Datasets;

namespace Forge.Core.Zarr;

/// <summary>
/// Converts netCDF/CF attributes to Zarr JSON as xarray writes them: text → string, a length-1 numeric → number,
/// longer vectors → arrays. NaN and ±Infinity stay numbers: <see cref="ZarrJson"/> writes them as Python's json
/// module does in v2 (bare <c>NaN</c>, read back by xarray as a float) and as strings in v3. Float32 values are
/// written as the double they widen to (what numpy's <c>float(np.float32(x))</c> gives).
/// </summary>
public static class ZarrAttributeEncoder
{
    /// <summary>All attributes, in order.</summary>
    public static JsonObject ToJson(AttributeSet attributes)
    {
        var o = new JsonObject();
        foreach (var (name, value) in attributes) o[name] = ToJson(value);
        return o;
    }

    /// <summary>One attribute value.</summary>
    public static JsonNode? ToJson(AttributeValue value)
    {
        if (value.IsText) return value.Text;
        var items = new JsonNode?[value.Count];
        for (var i = 0; i < items.Length; i++) items[i] = Element(value, i);
        return items.Length == 1 ? items[0] : new JsonArray(items);
    }

    private static JsonNode? Element(AttributeValue value, int i)
    {
        if (value.Type.IsFloatingPoint()) return Number(value.Reals[i]);
        if (value.Type == DataType.Bool) return JsonValue.Create(value.Integers[i] != 0);
        if (!value.Unsigned.IsDefault) return JsonValue.Create(value.Unsigned[i]);
        return JsonValue.Create(value.Integers[i]);
    }

    /// <summary>A double as a JSON number node (non-finite values included; the serializer decides their spelling).</summary>
    public static JsonNode Number(double d) => JsonValue.Create(d);

    /// <summary>
    /// The Zarr v3 <c>_FillValue</c> attribute as xarray's FillValueCoder writes it: floats as base64 of the
    /// little-endian float64, integers as integers, bool as bool.
    /// </summary>
    public static JsonNode? EncodeV3FillValueAttribute(AttributeValue fillValue, DataType variableType)
    {
        if (fillValue.IsText || fillValue.Count != 1) return ToJson(fillValue);
        var d = fillValue.AsDoubles()[0];
        if (variableType.IsFloatingPoint())
        {
            if (variableType == DataType.Float32) d = (float)d;
            var bytes = new byte[8];
            // numpy's NaN is the positive quiet NaN; .NET's double.NaN has the sign bit set.
            if (double.IsNaN(d)) BinaryPrimitives.WriteUInt64LittleEndian(bytes, 0x7FF8000000000000ul);
            else BinaryPrimitives.WriteDoubleLittleEndian(bytes, d);
            return Convert.ToBase64String(bytes);
        }

        if (variableType == DataType.Bool) return JsonValue.Create(d != 0);
        return !fillValue.Unsigned.IsDefault ? JsonValue.Create(fillValue.Unsigned[0])
            : !fillValue.Integers.IsDefault ? JsonValue.Create(fillValue.Integers[0])
            : JsonValue.Create((long)d);
    }
}
