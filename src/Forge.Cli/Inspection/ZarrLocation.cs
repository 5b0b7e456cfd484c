namespace Forge.Cli.Inspection;

/// <summary>
/// A Zarr store, or an array inside one, named by a path: <c>out.zarr</c>, <c>out.zarr/sst</c>, <c>s3://b/p.zarr</c>.
/// The store root is the nearest folder at or above the path holding a group (zarr.json or .zgroup).
/// </summary>
internal sealed record ZarrLocation(string StoreUrl, string? ArrayPath)
{
    public static ZarrLocation? TryResolve(string source)
    {
        if (source.StartsWith("s3://", StringComparison.Ordinal)) return new ZarrLocation(source, null);
        var path = source.StartsWith("file://", StringComparison.Ordinal) ? new Uri(source).LocalPath : source;
        if (!Directory.Exists(path)) return null;
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        if (IsGroup(full)) return new ZarrLocation(source, null);
        if (!IsArray(full)) return null;
        for (var dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (IsGroup(dir)) return new ZarrLocation(dir, Path.GetRelativePath(dir, full).Replace(Path.DirectorySeparatorChar, '/'));
        }

        return null;
    }

    private static bool IsGroup(string dir) =>
        File.Exists(Path.Combine(dir, ".zgroup")) || (File.Exists(Path.Combine(dir, "zarr.json")) && File.ReadAllText(Path.Combine(dir, "zarr.json")).Contains("\"group\"", StringComparison.Ordinal));

    private static bool IsArray(string dir) =>
        File.Exists(Path.Combine(dir, ".zarray")) || (File.Exists(Path.Combine(dir, "zarr.json")) && File.ReadAllText(Path.Combine(dir, "zarr.json")).Contains("\"array\"", StringComparison.Ordinal));
}
