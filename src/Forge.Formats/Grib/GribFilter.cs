using System.Collections;
using System.Collections.Immutable;
using System.Globalization;

namespace Forge.Formats.Grib;

/// <summary>
/// Which GRIB messages to read: ecCodes key → allowed values (several values mean "any of"), like cfgrib's
/// <c>filter_by_keys</c>. Recipe form: <c>inputs.grib.filter: { typeOfLevel: surface, shortName: [2t, tp] }</c>.
/// </summary>
public sealed record GribFilter
{
    public GribFilter(IReadOnlyDictionary<string, IReadOnlyList<string>> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in keys)
        {
            if (string.IsNullOrWhiteSpace(key)) throw new ArgumentException("inputs.grib.filter: empty ecCodes key name", nameof(keys));
            if (values is null || values.Count == 0) throw new ArgumentException($"inputs.grib.filter.{key}: needs at least one value", nameof(keys));
            builder[key] = [.. values];
        }

        Keys = builder.ToImmutable();
    }

    /// <summary>Key → allowed values, sorted by key.</summary>
    public ImmutableSortedDictionary<string, ImmutableArray<string>> Keys { get; }

    public bool IsEmpty => Keys.Count == 0;

    /// <summary>
    /// Reads <c>options["filter"]</c> (a map of key → string or list of strings; numbers are accepted and
    /// compared numerically). Returns null when there is no filter.
    /// </summary>
    public static GribFilter? FromOptions(IReadOnlyDictionary<string, object?>? options)
    {
        if (options is null || !options.TryGetValue("filter", out var raw) || raw is null) return null;
        var map = raw switch
        {
            IReadOnlyDictionary<string, object?> typed => typed.Select(kv => (kv.Key, kv.Value)),
            IDictionary untyped => untyped.Cast<DictionaryEntry>().Select(e => (Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "", e.Value)),
            _ => throw new ArgumentException($"inputs.grib.filter: expected a map of ecCodes key to value(s), got {raw.GetType().Name}"),
        };

        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            keys[key] = value switch
            {
                string s => [s],
                IEnumerable list => list.Cast<object?>().Select(v => Scalar(key, v)).ToArray(),
                _ => [Scalar(key, value)],
            };
        }

        return keys.Count == 0 ? null : new GribFilter(keys);
    }

    /// <summary>True when every filter key has one of its allowed values; <paramref name="valueOf"/> gives a key's value as text (null when absent).</summary>
    public bool Matches(Func<string, string?> valueOf)
    {
        foreach (var (key, allowed) in Keys)
        {
            var actual = valueOf(key);
            if (actual is null || !allowed.Any(a => SameValue(a, actual))) return false;
        }

        return true;
    }

    public bool Equals(GribFilter? other) =>
        other is not null && Keys.Count == other.Keys.Count &&
        Keys.All(kv => other.Keys.TryGetValue(kv.Key, out var v) && v.SequenceEqual(kv.Value));

    public override int GetHashCode() => Keys.Aggregate(Keys.Count, (h, kv) => HashCode.Combine(h, kv.Key));

    public override string ToString() =>
        "{ " + string.Join(", ", Keys.Select(kv => kv.Value.Length == 1 ? $"{kv.Key}: {kv.Value[0]}" : $"{kv.Key}: [{string.Join(", ", kv.Value)}]")) + " }";

    private static string Scalar(string key, object? value) => value switch
    {
        null => throw new ArgumentException($"inputs.grib.filter.{key}: null is not a value"),
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"inputs.grib.filter.{key}: expected a string or a list of strings, got {value.GetType().Name}"),
    };

    // "850" matches a level of 850.0: ecCodes renders numbers as text, recipes may write either form.
    private static bool SameValue(string wanted, string actual) =>
        string.Equals(wanted, actual, StringComparison.Ordinal) ||
        (double.TryParse(wanted, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) &&
         double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && w == a);
}
