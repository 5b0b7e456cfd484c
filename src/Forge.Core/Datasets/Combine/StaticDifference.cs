using System.Buffers.Binary;
using System.Globalization;
using Forge.Core.Arrays;

namespace Forge.Core.Datasets.Combine;

/// <summary>Says what differs between two inputs' copies of a variable without the concat dimension.</summary>
internal static class StaticDifference
{
    /// <summary>True when both inputs hold the same values (equal digests).</summary>
    public static bool Equal(string name, InputDataset a, InputDataset b)
    {
        a.StaticDigests.TryGetValue(name, out var da);
        b.StaticDigests.TryGetValue(name, out var db);
        return da == db;
    }

    /// <summary>"element [i, j] is X in A but Y in B", or a digest statement when the values were not kept.</summary>
    public static string Describe(string name, InputDataset a, InputDataset b) =>
        Describe(name, a, b, a.StaticValues.GetValueOrDefault(name), b.StaticValues.GetValueOrDefault(name));

    /// <summary>As <see cref="Describe(string, InputDataset, InputDataset)"/> with the raw source values given (re-read by the caller).</summary>
    public static string Describe(string name, InputDataset a, InputDataset b, byte[]? va, byte[]? vb)
    {
        var schema = a.Dataset.Schema.FindVariable(name);
        if (va is null || vb is null || schema is null || !a.Dataset.Origins.TryGetValue(name, out var origin))
            return $"its values differ (SHA-256 {Short(a.StaticDigests.GetValueOrDefault(name))} in {a.Source}, {Short(b.StaticDigests.GetValueOrDefault(name))} in {b.Source}; values of variables over {InputDataset.KeptValueBytes / 1024} KiB are not kept to show the first difference)";
        var type = origin.SourceDataType;
        var size = Math.Max(1, type.ElementSize());
        if (va.Length != vb.Length) return $"it has {va.Length / size} elements in {a.Source} but {vb.Length / size} in {b.Source}";
        var at = va.AsSpan().CommonPrefixLength(vb) / size;
        // Values are the source's: without the concat dimension a broadcast variable was given in front.
        var index = Index(at, schema.Shape.AsSpan()[origin.ExpandedAxes.Length..]);
        return $"its values differ first at element [{index}]: {Element(va, at, type)} in {a.Source} but {Element(vb, at, type)} in {b.Source}";
    }

    /// <summary>True when the kept values of <paramref name="name"/> hold none of <paramref name="values"/> (false when the values were not kept).</summary>
    public static bool ContainsNone(string name, InputDataset input, IReadOnlyCollection<double> values)
    {
        if (input.StaticValues.GetValueOrDefault(name) is not { } raw || !input.Dataset.Origins.TryGetValue(name, out var origin)) return false;
        var type = origin.SourceDataType;
        if (type is DataType.Char or DataType.String or DataType.Bool) return false;
        var size = type.ElementSize();
        for (long i = 0; i < raw.Length / size; i++)
        {
            var x = Convert.ToDouble(ElementValue(raw, i, type), CultureInfo.InvariantCulture);
            foreach (var f in values)
                if (x == f || (double.IsNaN(x) && double.IsNaN(f)) || (type == DataType.Float32 && (float)x == (float)f)) return false;
        }

        return true;
    }

    private static string Short(string? digest) => digest is null ? "absent" : digest[..Math.Min(12, digest.Length)];

    private static string Index(long flat, ReadOnlySpan<long> shape)
    {
        if (shape.Length == 0) return "";
        var idx = new long[shape.Length];
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            var n = Math.Max(1, shape[d]);
            idx[d] = flat % n;
            flat /= n;
        }

        return string.Join(", ", idx);
    }

    private static IFormattable ElementValue(byte[] raw, long i, DataType type)
    {
        var s = raw.AsSpan((int)(i * type.ElementSize()));
        IFormattable value = type switch
        {
            DataType.Bool or DataType.UInt8 or DataType.Char => s[0],
            DataType.Int8 => (sbyte)s[0],
            DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(s),
            DataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(s),
            DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(s),
            DataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(s),
            DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(s),
            DataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(s),
            DataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(s),
            DataType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(s),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        return value;
    }

    private static string Element(byte[] raw, long i, DataType type) => ElementValue(raw, i, type).ToString(null, CultureInfo.InvariantCulture);
}
