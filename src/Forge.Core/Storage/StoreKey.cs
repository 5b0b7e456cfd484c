namespace Forge.Core.Storage;

/// <summary>
/// A normalized store key ("sst/c/0/1/2", ".zmetadata"): '/'-separated, no leading or trailing '/',
/// no empty, '.' or '..' segments (Zarr v2 spec "logical paths", Zarr v3 node names).
/// </summary>
public readonly record struct StoreKey
{
    public StoreKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0) throw new ArgumentException("a store key cannot be empty", nameof(value));
        if (value[0] == '/') throw new ArgumentException($"store key '{value}' must not start with '/'", nameof(value));
        if (value[^1] == '/') throw new ArgumentException($"store key '{value}' must not end with '/'", nameof(value));
        if (value.Contains('\\')) throw new ArgumentException($"store key '{value}' must not contain '\\'", nameof(value));
        foreach (var segment in value.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
                throw new ArgumentException($"store key '{value}' has an empty, '.' or '..' segment", nameof(value));
        }

        Value = value;
    }

    public string Value { get; }

    public static StoreKey Join(string prefix, string name) => new(prefix.Length == 0 ? name : prefix.TrimEnd('/') + "/" + name);

    public override string ToString() => Value;
}
