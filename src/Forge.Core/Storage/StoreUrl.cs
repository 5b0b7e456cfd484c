namespace Forge.Core.Storage;

/// <summary>
/// Normalizes a store URL (target or cache) before anything opens it: <c>s3://bucket/a/./b//c</c> becomes
/// <c>s3://bucket/a/b/c</c>, and a prefix whose <c>..</c> segments climb out of the bucket
/// (<c>s3://bucket/a/../../b.zarr</c>) is refused instead of writing literal <c>a/../../b.zarr/...</c> keys.
/// Local paths and file:// URLs are left as written (the file system resolves them).
/// </summary>
public static class StoreUrl
{
    /// <summary>The normalized URL, or null with <paramref name="problem"/> saying why it is refused.</summary>
    public static string? Normalize(string url, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(url);
        problem = null;
        if (!url.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)) return url;
        var rest = url["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0 || bucket is "." or ".." || bucket.AsSpan().IndexOfAny('\\', '?', '#') >= 0)
        {
            problem = $"'{bucket}' is not a bucket name";
            return null;
        }

        var segments = new List<string>();
        foreach (var segment in (slash < 0 ? "" : rest[(slash + 1)..]).Split('/'))
        {
            if (segment is "" or ".") continue;
            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    problem = $"the prefix climbs out of bucket '{bucket}' with '..'";
                    return null;
                }

                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            if (segment.AsSpan().IndexOfAny('\\', '\0') >= 0)
            {
                problem = $"prefix segment '{segment}' contains '\\' or NUL";
                return null;
            }

            segments.Add(segment);
        }

        return segments.Count == 0 ? $"s3://{bucket}" : $"s3://{bucket}/{string.Join('/', segments)}";
    }
}
