using Forge.Core.Storage;

namespace Forge.Storage.S3;

/// <summary>Opens the store a target URL names: "s3://bucket/prefix", "memory://", "file:///path" or a plain path.</summary>
public static class StoreLocator
{
    /// <summary>
    /// Opens <paramref name="url"/>. For S3, <paramref name="s3Options"/> supplies endpoint, credentials and sizes
    /// (its bucket and prefix are replaced by the URL's); <paramref name="localOptions"/> configures a local store
    /// (default: fsync on). Dispose the result if it is <see cref="IDisposable"/>.
    /// </summary>
    public static IStore Open(string url, S3StoreOptions? s3Options = null, LocalStoreOptions? localOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (url.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)) return S3Store.FromUrl(url, s3Options);
        if (url.Equals("memory://", StringComparison.OrdinalIgnoreCase)) return new MemoryStore();
        var colon = url.IndexOf("://", StringComparison.Ordinal);
        if (colon > 0 && !url.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"store URL '{url}' has an unsupported scheme (use a path, file://, memory:// or s3://)", nameof(url));
        return LocalStore.FromUrl(url, localOptions);
    }
}
