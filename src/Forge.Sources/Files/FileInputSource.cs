namespace Forge.Sources;

/// <summary>Local inputs: plain paths and file:// URLs, used in place (never copied, never cached).</summary>
internal static class FileInputSource
{
    /// <summary>True when <paramref name="url"/> names a local file; <paramref name="path"/> is its absolute path.</summary>
    public static bool TryGetLocalPath(string url, out string path)
    {
        if (url.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            path = new Uri(url).LocalPath;
            return true;
        }

        if (!url.Contains("://", StringComparison.Ordinal))
        {
            path = Path.GetFullPath(url);
            return true;
        }

        path = "";
        return false;
    }
}
