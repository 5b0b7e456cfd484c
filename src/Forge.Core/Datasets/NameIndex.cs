using System.Runtime.CompilerServices;

namespace Forge.Core.Datasets;

/// <summary>
/// First item by name, for lookups inside per-variable loops: a linear scan there made schema, combine and planning
/// quadratic in the number of variables (a NetCDF-4 file with 1,000 variables). Built once per owner instance (kept in a
/// <see cref="ConditionalWeakTable{TKey, TValue}"/>, so records keep their value equality); small lists stay linear.
/// </summary>
internal sealed class NameIndex<T> where T : class
{
    /// <summary>Lists up to this long are scanned: an index would cost more than it saves.</summary>
    public const int LinearLimit = 16;

    private readonly Dictionary<string, T> _first = new(StringComparer.Ordinal);

    public NameIndex(IEnumerable<T> items, Func<T, string> name)
    {
        foreach (var item in items) _first.TryAdd(name(item), item); // the first of duplicates, as FirstOrDefault
    }

    public T? Find(string name) => _first.GetValueOrDefault(name);

    /// <summary>The first of <paramref name="items"/> named <paramref name="name"/>, through <paramref name="owner"/>'s index in <paramref name="table"/>.</summary>
    public static T? Find<TOwner>(ConditionalWeakTable<TOwner, NameIndex<T>> table, TOwner owner, IReadOnlyList<T> items, Func<T, string> nameOf, string name) where TOwner : class
    {
        if (items.Count <= LinearLimit)
        {
            foreach (var item in items)
                if (nameOf(item) == name) return item;
            return null;
        }

        return table.GetValue(owner, _ => new NameIndex<T>(items, nameOf)).Find(name);
    }
}
