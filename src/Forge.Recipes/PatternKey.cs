using System.Globalization;

namespace Forge.Recipes;

/// <summary>One key of a concat dimension: a date (optionally with a time of day), an integer or a string.</summary>
public abstract record PatternKey : IComparable<PatternKey>
{
    private protected PatternKey()
    {
    }

    /// <summary>Orders keys of the same kind by value (dates by instant, integers numerically, strings ordinally).</summary>
    public int CompareTo(PatternKey? other) => (this, other) switch
    {
        (_, null) => 1,
        (DateKey a, DateKey b) => a.Value.CompareTo(b.Value),
        (IntegerKey a, IntegerKey b) => a.Value.CompareTo(b.Value),
        (TextKey a, TextKey b) => string.CompareOrdinal(a.Value, b.Value),
        _ => throw new InvalidOperationException($"cannot compare a {GetType().Name} with a {other.GetType().Name}"),
    };
}

/// <summary>A date key; <see cref="HasTime"/> says whether hours/minutes are significant (ISO text then includes them).</summary>
public sealed record DateKey(DateTime Value, bool HasTime) : PatternKey
{
    public DateKey(DateOnly date)
        : this(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), false)
    {
    }

    public override string ToString() => HasTime
        ? Value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
        : Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>An integer key (ensemble member, year number, forecast step...).</summary>
public sealed record IntegerKey(long Value) : PatternKey
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A string key, inserted into the URL as written.</summary>
public sealed record TextKey(string Value) : PatternKey
{
    public override string ToString() => Value;
}
