using System.Collections.Immutable;
using System.Globalization;
using Forge.Core.Arrays;

namespace Forge.Core.Datasets;

/// <summary>
/// A netCDF/CF attribute value: a text string, or a typed numeric vector (netCDF attributes are always vectors;
/// a scalar is a vector of length one). Numeric values are kept as doubles/longs with their declared type so
/// they round-trip to Zarr JSON exactly.
/// </summary>
public sealed class AttributeValue : IEquatable<AttributeValue>
{
    private AttributeValue(DataType type, string? text, ImmutableArray<double> reals, ImmutableArray<long> integers, ImmutableArray<ulong> unsigned)
    {
        Type = type;
        Text = text;
        Reals = reals;
        Integers = integers;
        Unsigned = unsigned;
    }

    public DataType Type { get; }

    /// <summary>The string, when <see cref="Type"/> is <see cref="DataType.Char"/> or <see cref="DataType.String"/>.</summary>
    public string? Text { get; }

    /// <summary>Values of a Float32/Float64 attribute.</summary>
    public ImmutableArray<double> Reals { get; }

    /// <summary>Values of a signed integer (or bool) attribute.</summary>
    public ImmutableArray<long> Integers { get; }

    /// <summary>Values of an unsigned integer attribute.</summary>
    public ImmutableArray<ulong> Unsigned { get; }

    public bool IsText => Text is not null;

    public int Count => IsText ? 1 : Type.IsFloatingPoint() ? Reals.Length : Type is DataType.UInt8 or DataType.UInt16 or DataType.UInt32 or DataType.UInt64 ? Unsigned.Length : Integers.Length;

    public static AttributeValue FromText(string text) => new(DataType.Char, text, default, default, default);

    public static AttributeValue FromReals(DataType type, params double[] values)
    {
        if (!type.IsFloatingPoint()) throw new ArgumentException($"{type} is not a floating-point type", nameof(type));
        return new(type, null, [.. values], default, default);
    }

    public static AttributeValue FromIntegers(DataType type, params long[] values)
    {
        if (type is not (DataType.Int8 or DataType.Int16 or DataType.Int32 or DataType.Int64 or DataType.Bool))
            throw new ArgumentException($"{type} is not a signed integer type", nameof(type));
        return new(type, null, default, [.. values], default);
    }

    public static AttributeValue FromUnsigned(DataType type, params ulong[] values)
    {
        if (type is not (DataType.UInt8 or DataType.UInt16 or DataType.UInt32 or DataType.UInt64))
            throw new ArgumentException($"{type} is not an unsigned integer type", nameof(type));
        return new(type, null, default, default, [.. values]);
    }

    /// <summary>The value as doubles (numeric attributes only).</summary>
    public double[] AsDoubles()
    {
        if (IsText) throw new InvalidOperationException("text attribute has no numeric value");
        if (Type.IsFloatingPoint()) return [.. Reals];
        if (!Unsigned.IsDefault) return Unsigned.Select(v => (double)v).ToArray();
        return Integers.Select(v => (double)v).ToArray();
    }

    /// <summary>The single numeric value, or null when the attribute is text or not of length one.</summary>
    public double? AsScalar() => !IsText && Count == 1 ? AsDoubles()[0] : null;

    public bool Equals(AttributeValue? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (IsText || other.IsText) return IsText && other.IsText && string.Equals(Text, other.Text, StringComparison.Ordinal);
        if (Type != other.Type) return false;
        if (Type.IsFloatingPoint())
        {
            // NaN counts as equal to NaN, as in pangeo-forge's attribute combine.
            return Reals.Length == other.Reals.Length && Reals.Zip(other.Reals).All(p => p.First.Equals(p.Second));
        }

        return !Unsigned.IsDefault
            ? Unsigned.SequenceEqual(other.Unsigned)
            : Integers.SequenceEqual(other.Integers);
    }

    public override bool Equals(object? obj) => Equals(obj as AttributeValue);

    public override int GetHashCode() => HashCode.Combine(Type, Text, Count);

    public override string ToString()
    {
        if (IsText) return $"\"{Text}\"";
        var parts = Type.IsFloatingPoint() ? Reals.Select(r => r.ToString("R", CultureInfo.InvariantCulture))
            : !Unsigned.IsDefault ? Unsigned.Select(u => u.ToString(CultureInfo.InvariantCulture))
            : Integers.Select(i => i.ToString(CultureInfo.InvariantCulture));
        return string.Join(", ", parts);
    }
}
