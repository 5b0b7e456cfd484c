using System.Globalization;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Native.EcCodes;

namespace Forge.Formats.Grib;

/// <summary>An ecCodes key's value read with its native type (as cfgrib reads it): text for comparisons, an attribute for output.</summary>
internal sealed record GribKeyValue(string Text, AttributeValue Value)
{
    /// <summary>True for ecCodes' placeholders that cfgrib drops from unique attributes.</summary>
    public bool IsUndefined => Text is "undef" or "unknown";

    /// <summary>Reads <paramref name="key"/> with its native type; null when ecCodes does not define it.</summary>
    public static GribKeyValue? Read(EcCodesMessage message, string key)
    {
        var type = message.NativeType(key);
        if (type is null) return null;
        var size = message.TryGetSize(key) ?? 0;
        switch (type.Value)
        {
            case 1 when size > 1: // long array, e.g. the pl of a reduced Gaussian grid
                var longs = message.GetLongArray(key);
                return new(string.Join(",", longs), AttributeValue.FromIntegers(DataType.Int64, longs));
            case 1:
                if (message.TryGetLong(key) is not { } l) return null;
                return new(l.ToString(CultureInfo.InvariantCulture), AttributeValue.FromIntegers(DataType.Int64, l));
            case 2 when size > 1:
                var doubles = message.GetDoubleArray(key);
                return new(string.Join(",", doubles.Select(d => d.ToString("R", CultureInfo.InvariantCulture))), AttributeValue.FromReals(DataType.Float64, doubles));
            case 2:
                if (message.TryGetDouble(key) is not { } d) return null;
                return new(d.ToString("R", CultureInfo.InvariantCulture), AttributeValue.FromReals(DataType.Float64, d));
            default:
                if (message.TryGetString(key) is not { } s) return null;
                return new(s, AttributeValue.FromText(s));
        }
    }
}
