using Forge.Core.Storage;

namespace Forge.Core.Zarr;

/// <summary>Zarr node paths: normalized as the v2 spec says ('\' → '/', no leading/trailing '/', no empty, '.' or '..' segments).</summary>
public static class ZarrPath
{
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var s in segments)
        {
            if (s is "." or "..") throw new ArgumentException($"Zarr path '{path}' must not contain '.' or '..' segments", nameof(path));
            if (s.StartsWith("__", StringComparison.Ordinal)) throw new ArgumentException($"Zarr node name '{s}' in '{path}' must not start with '__'", nameof(path));
        }

        return string.Join('/', segments);
    }

    /// <summary>The store key of <paramref name="name"/> inside node <paramref name="path"/> ("" is the root).</summary>
    public static StoreKey Key(string path, string name) => StoreKey.Join(path, name);
}
