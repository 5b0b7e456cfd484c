namespace Forge.Core.Storage;

/// <summary>Argument checks shared by every store, so all stores refuse the same inputs with the same messages.</summary>
public static class StoreArguments
{
    /// <summary>Refuses <c>default(StoreKey)</c>, which bypasses the <see cref="StoreKey"/> constructor checks.</summary>
    public static string Key(StoreKey key, string storeUrl) =>
        key.Value ?? throw new ArgumentException($"an uninitialized (default) store key was passed to store {storeUrl}", nameof(key));

    /// <summary>
    /// Checks a listing prefix: "" or a string-prefix of keys ("a/b/", "a/b", "a/c/0."). Every complete segment
    /// (those before the last '/') must be a valid key segment; a leading '/' or '\' is refused.
    /// </summary>
    public static string Prefix(string prefix, string storeUrl)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0) return prefix;
        if (prefix[0] == '/' || prefix.Contains('\\'))
            throw new ArgumentException($"list prefix '{prefix}' for store {storeUrl} must not start with '/' or contain '\\'", nameof(prefix));
        var lastSlash = prefix.LastIndexOf('/');
        if (lastSlash > 0) _ = new StoreKey(prefix[..lastSlash]);
        else if (lastSlash == 0) throw new ArgumentException($"list prefix '{prefix}' for store {storeUrl} has an empty segment", nameof(prefix));
        return prefix;
    }

    /// <summary>Refuses ranges with a negative start or length.</summary>
    public static void Range(ByteRange? range, StoreKey key, string storeUrl)
    {
        var bad = range switch
        {
            ByteRange.Bounded b => b.Start < 0 || b.Length < 0,
            ByteRange.FromOffset o => o.Start < 0,
            ByteRange.Suffix s => s.Length < 0,
            _ => false,
        };
        if (bad) throw new ArgumentOutOfRangeException(nameof(range), $"byte range {range} for key '{key}' in store {storeUrl} is negative");
    }
}
