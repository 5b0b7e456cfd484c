using System.Collections;
using System.Collections.Immutable;

namespace Forge.Core.Datasets;

/// <summary>An ordered, immutable set of named attributes (order as in the source file).</summary>
public sealed class AttributeSet : IReadOnlyList<KeyValuePair<string, AttributeValue>>, IEquatable<AttributeSet>
{
    public static readonly AttributeSet Empty = new([]);

    private readonly ImmutableArray<KeyValuePair<string, AttributeValue>> _items;

    public AttributeSet(IEnumerable<KeyValuePair<string, AttributeValue>> items) => _items = [.. items];

    public int Count => _items.Length;

    public KeyValuePair<string, AttributeValue> this[int index] => _items[index];

    public AttributeValue? this[string name]
    {
        get
        {
            foreach (var kv in _items)
                if (kv.Key == name) return kv.Value;
            return null;
        }
    }

    public bool Contains(string name) => this[name] is not null;

    public string? GetText(string name) => this[name]?.Text;

    /// <summary>Returns a copy with <paramref name="name"/> set (replaced in place, or appended).</summary>
    public AttributeSet With(string name, AttributeValue value)
    {
        var list = _items.ToList();
        var i = list.FindIndex(kv => kv.Key == name);
        if (i >= 0) list[i] = new(name, value);
        else list.Add(new(name, value));
        return new AttributeSet(list);
    }

    public AttributeSet Without(string name) => Contains(name) ? new AttributeSet(_items.Where(kv => kv.Key != name)) : this;

    public IEnumerator<KeyValuePair<string, AttributeValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, AttributeValue>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Equal when the same names map to equal values, regardless of order.</summary>
    public bool Equals(AttributeSet? other)
    {
        if (other is null || other.Count != Count) return false;
        foreach (var kv in _items)
            if (!Equals(other[kv.Key], kv.Value)) return false;
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as AttributeSet);

    public override int GetHashCode() => Count;
}
