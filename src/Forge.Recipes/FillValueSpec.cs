namespace Forge.Recipes;

/// <summary>
/// A per-variable <c>fill_value</c>: a number (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> allowed), or null for "no
/// fill value". Integer literals also keep their exact value in <see cref="Integer"/> (int64 fills beyond 2^53).
/// </summary>
public sealed record FillValueSpec(double? Value, long? Integer)
{
    public static readonly FillValueSpec None = new(null, null);

    public bool IsNone => Value is null;
}
